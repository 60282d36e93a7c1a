using System.Text.RegularExpressions;
using Apache.Arrow;
using Retention.Pipeline;
using Retention.Artifacts;

namespace Retention.Analysis;

/// <summary>
/// Why an analysis written for its sweep fails once a --set removed a sweep key: swept.arrow has a column per swept key
/// only, so `JOIN swept s ... s.width` finds no width (or, with the sweep's only key removed, no swept table at all).
/// The hint names the --set, the value every run now has, and the per-run table that still carries it.
/// </summary>
internal static partial class RemovedSweepKeyHint
{
    /// <summary>One row per run, with the run's settings as columns (params for synthetic runs, model for OLMo's).</summary>
    private static readonly string[] ParameterTables = ["params", "model"];

    /// <param name="error">DuckDB's message for <paramref name="sql"/>.</param>
    /// <param name="runTables">The tables the runs write (swept among them while any sweep key is left).</param>
    /// <returns>The hint, or null when the error is not about a removed key.</returns>
    public static string? For(string error, string sql, IReadOnlyList<RemovedSweepKey> removed, IReadOnlyList<(string Name, Schema Schema)> runTables)
    {
        if (removed.Count == 0 || !SqlIdentifiers.Mentions(sql, "swept")) return null;
        if (!runTables.Any(t => t.Name == RunTables.SweptTable))
        {
            if (!NoSweptTable().IsMatch(error)) return null;
            var sets = string.Join(" and ", removed.Select(k => $"--set {k.Path}"));
            return $"the runs write no `{RunTables.SweptTable}` table: {sets} removed the sweep's only key{(removed.Count > 1 ? "s" : "")} " +
                $"({string.Join("; ", removed.Select(k => Instead(k, runTables)))})";
        }
        var column = MissingColumn().Match(error) is { Success: true } m ? m.Groups["c"].Value : null;
        if (removed.FirstOrDefault(k => k.Column.Equals(column, StringComparison.OrdinalIgnoreCase)) is not { } key) return null;
        return $"`{RunTables.SweptTable}` has no column `{key.Column}`: --set {key.Path} removed that sweep key ({Instead(key, runTables)})";
    }

    /// <summary>"the runs all have width 4; read it from `params` (JOIN params USING (run)) instead, or sweep it".</summary>
    private static string Instead(RemovedSweepKey key, IReadOnlyList<(string Name, Schema Schema)> runTables)
    {
        var table = ParameterTables.FirstOrDefault(name => runTables.Any(t => t.Name == name
            && t.Schema.FieldsList.Any(f => f.Name.Equals(key.Column, StringComparison.OrdinalIgnoreCase))));
        var read = table is not null ? $"read it from `{table}` (JOIN {table} USING (run)) instead"
            : key.Value is null ? $"write the value in the SQL as {key.Column} instead" : $"write it in the SQL as {SqlLiteral(key.Value)} AS {key.Column} instead";
        return $"the runs all have {(key.Value is null ? $"the {key.Column} set" : $"{key.Column} {key.Value}")}; {read}, or sweep it";
    }

    /// <summary>The value as swept.arrow types it (README "Querying"): numbers and true/false as written, text quoted.</summary>
    private static string SqlLiteral(string value) =>
        double.TryParse(value, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out _)
        || value is "true" or "false" ? value : $"'{value.Replace("'", "''")}'";

    // DuckDB's binder: `Table "s" does not have a column named "width"` (qualified), `Referenced column "width" not found` (not).
    [GeneratedRegex(@"(?:column named|Referenced column) ""(?<c>[^""]+)""")]
    private static partial Regex MissingColumn();

    [GeneratedRegex("Table with name swept does not exist", RegexOptions.IgnoreCase)]
    private static partial Regex NoSweptTable();
}
