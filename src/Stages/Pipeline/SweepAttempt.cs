using Apache.Arrow;
using Retention.Artifacts;
using Retention.Spec;

namespace Retention.Pipeline;

/// <summary>One attempt at a sweep, as its steps share it: the runs, the folder they train into, what relative data and
/// tokenizer paths resolve against, whether earlier results are continued (--resume), and where progress is said.</summary>
sealed record SweepAttempt(LoadedPipeline Pipeline, string SweepDir, string DataDirectory, bool Resume, IRunProgress Progress)
{
    readonly IReadOnlyDictionary<string, int> positions = Pipeline.Runs.Select((r, i) => (r, i)).ToDictionary(p => p.r.RunId, p => p.i);

    public IReadOnlyList<RunPlan> Runs => Pipeline.Runs;

    public string RunDir(string run) => ArtifactLayout.RunDir(SweepDir, run);

    /// <summary>A run's place in the sweep: the display counts by it, and statuses are reported in its order.</summary>
    public int PositionOf(string run) => positions[run];

    /// <summary>swept.arrow's columns, the whole sweep's, so every run's file agrees with the others.</summary>
    public Schema SweptSchema { get; } = SweptValues.SchemaOf(Pipeline.Swept);
}
