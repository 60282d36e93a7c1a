using Retention.Analysis;
using Retention.Artifacts;

namespace Retention.Host.Commands;

/// <summary>
/// A query that names a table the catalog does not hold fails with DuckDB's "does not exist", whose "Did you mean"
/// points at a system table. Where this program knows why, a note says so: the table was left out for a file that
/// cannot be loaded (said in a note before the error, which this one points back at), or the runs write it but none
/// has yet, or the sweep's analysis writes it and has not yet (<see cref="UnwrittenTable"/>). A name nothing knows of (a typo)
/// gets the tables there are.
/// </summary>
static class MissingTable
{
    /// <param name="dir">What was queried: a sweep, a run directory or a folder of sweeps.</param>
    /// <param name="loaded">The tables the query found.</param>
    /// <param name="leftOut">The tables left out for a damaged file.</param>
    /// <param name="views">The views over the loaded tables (a folder of bench records' synthetic, train, ...).</param>
    public static string? Note(string error, string dir, IReadOnlyList<CatalogTable> loaded, IReadOnlyList<LeftOutTable> leftOut,
        IReadOnlyList<CatalogView> views)
    {
        if (Analysis.SqlRunner.MissingTableName(error) is not { } name) return null;
        var names = loaded.Select(t => t.Name).Concat(views.Select(v => v.Name)).ToList();
        if (names.Any(n => n.Equals(name, StringComparison.OrdinalIgnoreCase))) return null;
        // Before the unwritten-table note: the runs do write this table, but here a file of it is damaged.
        if (leftOut.FirstOrDefault(t => t.Name.Equals(name, StringComparison.OrdinalIgnoreCase)) is { } left)
            return $"table '{left.Name}' was left out of this query: {left.File} cannot be loaded ({left.Reason}); " +
                "see the note above for what to do";
        // Loose Arrow files (a query's --output) in a folder whose folders hold the sweeps: those are what was meant.
        return UnwrittenTable.Note(name, dir) ?? UnwrittenTable.AnalysisNote(name, dir) ?? (loaded.Count > 0
            ? $"no table '{name}' here; the tables: {string.Join(", ", names.Order(StringComparer.Ordinal))}" +
              (QueryTarget.SweepsBelow(dir) is { } below ? $" ({below})" : "")
            : null);
    }
}
