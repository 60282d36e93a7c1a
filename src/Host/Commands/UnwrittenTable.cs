using Retention.Artifacts;
using Retention.Pipeline;
using Retention.Spec;

namespace Retention.Host.Commands;

/// <summary>
/// A table the runs write but none has written yet (runs still training, or stopped before their first checkpoint):
/// what a query naming it is told (<see cref="MissingTable"/>).
/// </summary>
static class UnwrittenTable
{
    /// <param name="name">The table the query named, which the catalog does not hold.</param>
    /// <param name="dir">What was queried: a sweep, a run directory or a folder of sweeps.</param>
    public static string? Note(string name, string dir)
    {
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
