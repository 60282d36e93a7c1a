using System.Text.RegularExpressions;
using Retention.Artifacts;
using Retention.Pipeline;
using Retention.Spec;

namespace Retention.Host.Commands;

/// <summary>
/// A query that names a table the runs write but none has written yet (runs still training, or stopped before their
/// first checkpoint) fails with DuckDB's "does not exist", whose "Did you mean" points at a system table. The note
/// says why; a name the runs never write (a typo) gets none.
/// </summary>
static partial class UnwrittenTable
{
    [GeneratedRegex(@"Table with name (?<name>[^\s!]+) does not exist!")]
    private static partial Regex Missing();

    /// <param name="dir">What was queried: a sweep, a run directory or a folder of sweeps.</param>
    /// <param name="loaded">The tables the query found.</param>
    public static string? Note(string error, string dir, IReadOnlyList<CatalogTable> loaded)
    {
        if (Missing().Match(error) is not { Success: true } match) return null;
        var name = match.Groups["name"].Value;
        if (loaded.Any(t => t.Name.Equals(name, StringComparison.OrdinalIgnoreCase))) return null;
        if (!SpecFiles(Path.GetFullPath(dir)).Any(file => Writes(file, name))) return null;
        return $"the runs write table '{name}', but none has written it yet: a run writes its tables at its checkpoints and when " +
            "it ends (runs still training, or stopped before their first checkpoint; `pipeline status` shows how far they are)";
    }

    /// <summary>The pipelines the queried runs were trained by: a sweep's pipeline.yaml, a run's run.yaml, or each sweep's
    /// in a folder of sweeps.</summary>
    static IEnumerable<string> SpecFiles(string dir) => ArtifactLayout.KindOf(dir) switch
    {
        ArtifactLayout.Kind.Sweep => [Path.Combine(dir, ArtifactLayout.PipelineFile)],
        ArtifactLayout.Kind.Run => [Path.Combine(dir, ArtifactLayout.RunManifest)],
        ArtifactLayout.Kind.SweepFolder => ArtifactLayout.Sweeps(dir).Select(s => Path.Combine(s, ArtifactLayout.PipelineFile)),
        _ => [],
    };

    static bool Writes(string specFile, string table)
    {
        if (!File.Exists(specFile)) return false;
        try
        {
            var spec = SpecLoader.Load(specFile, checkAnalysis: false, stored: true).Spec;
            return RunTables.Of(spec).Any(t => t.Name.Equals(table, StringComparison.OrdinalIgnoreCase));
        }
        catch (Exception e) when (e is SpecException or IOException or UnauthorizedAccessException)
        {
            return false;   // a note is a courtesy: a pipeline that no longer loads gives none
        }
    }
}
