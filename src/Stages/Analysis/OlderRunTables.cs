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
        $"the runs write table '{table}', but {runs.Count} completed run(s) have no {table}.arrow: {Listing.FirstFew(runs)}; " +
        $"an earlier version of this program ran them, which did not write it. `pipeline run FILE` again (the pipeline the " +
        $"sweep was run from, with the same --profile and --set; each run's provenance.json has the command line) runs them " +
        $"again and writes it, keeping these results under previous/<time>/ (`run --resume` skips a completed run: delete a " +
        $"run's directory for --resume to run it again)";

    static bool CompletedWithout(string runDir, string table)
    {
        try
        {
            return RunStatusFile.Read(runDir) is { State: "completed", Tables: { } recorded }
                && !recorded.Contains(table, StringComparer.OrdinalIgnoreCase);
        }
        catch (ArtifactException)
        {
            return false;   // a damaged status.json is said where the run is read
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
