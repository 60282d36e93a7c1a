namespace Retention.Artifacts;

/// <summary>Quoting for names that come from files and specs, so any stem or column name is a valid identifier.</summary>
internal static class SqlIdentifiers
{
    public static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"") + "\"";

    /// <summary>A SQL string literal holding <paramref name="text"/>.</summary>
    public static string Literal(string text) => "'" + text.Replace("'", "''") + "'";
}
