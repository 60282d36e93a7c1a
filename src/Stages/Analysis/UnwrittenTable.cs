using Retention.Artifacts;
using Retention.Pipeline;
using Retention.Spec;

namespace Retention.Analysis;

/// <summary>
/// A table the runs write but none has written yet (runs still training, or stopped or killed before their first
/// checkpoint): what a query naming it is told (MissingTable, in the host), and what a failed analysis records for
/// `status` (<see cref="Explain"/>), so that the analysis's log, `analyze` and `status` say the same.
/// </summary>
public static class UnwrittenTable
{
    /// <param name="name">The table the query named, which the catalog does not hold.</param>
    /// <param name="dir">What was queried: a sweep, a run directory or a folder of sweeps.</param>
    public static string? Note(string name, string dir)
    {
        if (!SpecFiles(Path.GetFullPath(dir)).Any(file => Writes(file, name))) return null;
        return $"the runs write table '{name}', but none has written it yet: a run writes its tables at its checkpoints and when " +
            "it ends (runs still training, or stopped before their first checkpoint; `pipeline status` shows how far they are)";
    }

    /// <summary>A failed analysis as its outcome records it: a step that read a table the runs write but none has written,
    /// said as <see cref="Note"/> says it (DuckDB's "Catalog Error: Table with name … does not exist!" tells neither why
    /// nor what to do); any other failure as it is, without file positions (<see cref="AnalysisException.WithoutPositions"/>).</summary>
    /// <param name="dir">The sweep (or run) directory analysed.</param>
    public static string Explain(AnalysisException e, string dir) =>
        // One step's failure only: failed plots said together keep each their own words.
        e.InnerException is not AnalysisException && SqlRunner.MissingTableName(e.Cause) is { } name && Note(name, dir) is { } note
            ? $"{e.Step}: {note}"
            : e.WithoutPositions;

    /// <summary>The pipelines the queried runs were trained by: a sweep's pipeline.yaml, a run's run.yaml, or each sweep's
    /// in a folder of sweeps. A sweep none of whose runs has started yet (a submission whose tasks were all cancelled while
    /// pending: no runs/ folder) is still a sweep by its pipeline.yaml.</summary>
    static IEnumerable<string> SpecFiles(string dir) => ArtifactLayout.KindOf(dir) switch
    {
        ArtifactLayout.Kind.Sweep => [Path.Combine(dir, ArtifactLayout.PipelineFile)],
        ArtifactLayout.Kind.Run => [Path.Combine(dir, ArtifactLayout.RunManifest)],
        ArtifactLayout.Kind.SweepFolder => ArtifactLayout.Sweeps(dir).Select(s => Path.Combine(s, ArtifactLayout.PipelineFile)),
        _ => [Path.Combine(dir, ArtifactLayout.PipelineFile)],   // Writes gives false where there is none
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
