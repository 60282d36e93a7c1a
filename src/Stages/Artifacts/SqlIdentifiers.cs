namespace Retention.Artifacts;

/// <summary>Quoting for names that come from files and specs, so any stem or column name is a valid identifier.</summary>
internal static class SqlIdentifiers
{
    public static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"") + "\"";

    /// <summary>A SQL string literal holding <paramref name="text"/>.</summary>
    public static string Literal(string text) => "'" + text.Replace("'", "''") + "'";

    /// <summary>Whether <paramref name="text"/> (SQL, or DuckDB's message about it) names <paramref name="identifier"/> as a
    /// word, in any case: p.lr and lr do, lr_schedule does not.</summary>
    public static bool Mentions(string text, string identifier) =>
        System.Text.RegularExpressions.Regex.IsMatch(text, $@"(?<![A-Za-z0-9_]){System.Text.RegularExpressions.Regex.Escape(identifier)}(?![A-Za-z0-9_])",
            System.Text.RegularExpressions.RegexOptions.IgnoreCase | System.Text.RegularExpressions.RegexOptions.CultureInvariant);
}
