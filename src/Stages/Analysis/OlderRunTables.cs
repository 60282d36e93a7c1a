using Retention.Artifacts;
using Retention.Messages;
using Retention.Pipeline;

namespace Retention.Analysis;

/// <summary>
/// Completed runs that lack a table this version's runs write because an earlier version completed them: their status.json
/// records the tables they wrote, and this one is not among them (a data run before tasks.arrow). A query of it fails as
/// for a table not written yet, but no waiting writes it: those runs must run again.
/// </summary>
static class OlderRunTables
{
    /// <summary>The folders of the completed runs in <paramref name="folders"/> (sweeps, or runs given directly) that have no
    /// file of <paramref name="table"/> and whose status did not record it.</summary>
    public static IReadOnlyList<string> Without(string table, IEnumerable<string> folders) =>
        [.. folders.SelectMany(RunDirs).Where(run => !File.Exists(Path.Combine(run, table + ".arrow")) && CompletedWithout(run, table))];

    /// <summary>What a query naming <paramref name="table"/> is told where <see cref="Without"/> found <paramref name="runs"/>.</summary>
    public static string Note(string table, IReadOnlyList<string> runs) =>
        $"the runs write table '{table}', but {Counted.Of(runs.Count, "completed run")} {(runs.Count == 1 ? "has" : "have")} no {table}.arrow: {Listing.FirstFew(runs)}; " +
        $"{EarlierVersion}. {Remedy}";

    /// <summary>The other cause of <paramref name="missing"/> tables (names, without .arrow) lacking from completed <paramref name="runs"/>
    /// whose status.json records no list of their tables (written before runs kept one): an earlier version may have run them
    /// without writing those tables, which no restoring brings back. Said after the refusal that takes them for lost.</summary>
    public static string Unrecorded(IReadOnlyList<string> runs, IReadOnlyList<string> missing) =>
        $"The status.json of {Listing.FirstFew(runs)} records no list of the tables written, so they may never have had " +
        $"{Listing.FirstFew(missing.Select(t => t + ".arrow"))}: if {EarlierVersion}, {Remedy}";

    const string EarlierVersion = "an earlier version of this program ran them, which did not write it";

    /// <summary>The tables the other runs of <paramref name="sweepDir"/> wrote (<paramref name="loaded"/>, the catalog's run
    /// tables) that completed runs of an earlier version lack: the query finds them, and rows joined to them leave those runs
    /// out without a word. One line per table, naming the runs; none where no run lacks one.</summary>
    public static IReadOnlyList<string> Partial(string sweepDir, IEnumerable<string> loaded)
    {
        var runs = RunDirs(sweepDir).Select(run => (Run: run, Recorded: RecordedTables(run))).Where(r => r.Recorded is not null).ToList();
        return [.. loaded.Select(table => (Table: table, Runs: runs
                .Where(r => !r.Recorded!.Contains(table, StringComparer.OrdinalIgnoreCase) && !File.Exists(Path.Combine(r.Run, table + ".arrow")))
                .Select(r => r.Run).ToList()))
            .Where(t => t.Runs.Count > 0)
            .Select(t => $"table '{t.Table}' has no file from {Counted.Of(t.Runs.Count, "completed run")}: {Listing.FirstFew(t.Runs)}; {EarlierVersion}, " +
                $"so the tables and plots that read it leave those runs out. {Remedy}")];
    }

    const string Remedy = "`pipeline run FILE` again (the pipeline the sweep was run from, with the same --profile and --set; each " +
        "run's provenance.json has the command line) runs them again and writes it, keeping these results under previous/<time>/ " +
        "(`run --resume` skips a completed run: delete a run's directory for --resume to run it again)";

    static bool CompletedWithout(string runDir, string table) =>
        RecordedTables(runDir) is { } recorded && !recorded.Contains(table, StringComparer.OrdinalIgnoreCase);

    /// <summary>The tables a completed run's status.json lists; null for a run not completed, or completed before the list
    /// was recorded (its tables are checked against the experiment's, <see cref="Pipeline.CompletedRunTables"/>).</summary>
    static IReadOnlyList<string>? RecordedTables(string runDir)
    {
        try
        {
            return RunStatusFile.Read(runDir) is { State: "completed", Tables: { } recorded } ? recorded : null;
        }
        catch (ArtifactException)
        {
            return null;   // a damaged status.json is said where the run is read
        }
    }

    static IEnumerable<string> RunDirs(string dir) => ArtifactLayout.KindOf(dir) switch
    {
        ArtifactLayout.Kind.Run => [dir],
        ArtifactLayout.Kind.Sweep => RunsOf(dir),
        _ => [],
    };

    static IEnumerable<string> RunsOf(string sweep)
    {
        var runs = Path.Combine(sweep, ArtifactLayout.RunsDir);
        return Directory.Exists(runs) ? Directory.EnumerateDirectories(runs).Order(StringComparer.Ordinal) : [];
    }
}
