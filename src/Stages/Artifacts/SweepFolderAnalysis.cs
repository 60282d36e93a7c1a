namespace Retention.Artifacts;

/// <summary>The files to load, and why any that were found are left out (said to the user as notes).</summary>
/// <param name="LeftOut">Tables left out because a file of theirs cannot be read (their files are not in <paramref name="Files"/>).</param>
public sealed record ArtifactSelection(IReadOnlyList<ArtifactFile> Files, IReadOnlyList<string> Notes, IReadOnlyList<LeftOutTable> LeftOut);

/// <summary>
/// A folder of sweeps' analysis tables: each sweep's <c>analysis/&lt;stem&gt;.arrow</c> joins the same-named tables
/// of the other sweeps in one table with a <c>sweep</c> column, unioned by column name as the runs' tables are.
/// A table that cannot be combined is left out, with a note, rather than failing the whole query (each sweep's own
/// directory still queries it): one named like a run table (it would be mixed into that table), or one whose
/// sweeps give a column types that do not unify (an analysis edited between sweeps). One with a file that cannot be
/// read is left out as a damaged table (<see cref="ArtifactSelection.LeftOut"/>), for the caller to fail on or note.
/// </summary>
internal static class SweepFolderAnalysis
{
    public static ArtifactSelection Select(IReadOnlyList<ArtifactFile> files)
    {
        static bool Analysis(ArtifactFile f) => f.Run is null && f.Sweep is not null;
        if (!files.Any(Analysis)) return new ArtifactSelection(files, [], []);
        var left = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var notes = new List<string>();
        var damaged = new List<LeftOutTable>();
        foreach (var table in files.Where(Analysis).GroupBy(f => f.Table, StringComparer.OrdinalIgnoreCase))
        {
            var sweeps = string.Join(", ", table.Select(f => f.Sweep).Distinct());
            string? why;
            try
            {
                // Its own sweep's runs writing the name too (a file put there by hand: validate refuses such a table) make that
                // sweep's own query refuse it as well, so pointing there would not help.
                var own = table.Where(f => ArtifactLayout.NamedLikeRunTable(f, files.Where(r => r.Sweep == f.Sweep))).Select(f => f.Sweep).Distinct().ToList();
                why = own.Count > 0
                    ? $"the runs of {(own.Count == 1 ? "its sweep" : "its sweeps")} write a table of that name, so {(own.Count == 1 ? "that sweep's" : "their")} " +
                      $"own query refuses it too: move {string.Join(", ", table.Where(f => own.Contains(f.Sweep)).Select(f => f.Path))} out of analysis/"
                    : table.Any(f => ArtifactLayout.NamedLikeRunTable(f, files))
                    ? "the runs write a table of that name; query a sweep's own directory for it"
                    : table.Count() > 1 && ArrowTableLoader.ConflictOf([.. table]) is { } conflict ? $"its sweeps do not agree: {conflict}; query a sweep's own directory for it" : null;
            }
            catch (ArtifactException e)
            {
                left.Add(table.Key);
                damaged.Add(LeftOutTable.Of(table.Key, table, e));
                continue;
            }
            if (why is null) continue;
            left.Add(table.Key);
            notes.Add($"analysis table '{table.Key}' (sweeps {sweeps}) is not loaded: {why}");
        }
        return new ArtifactSelection([.. files.Where(f => !(Analysis(f) && left.Contains(f.Table)))], notes, damaged);
    }
}
