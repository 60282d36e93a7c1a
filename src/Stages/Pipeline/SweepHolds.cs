using Retention.Artifacts;
using Retention.Spec;

namespace Retention.Pipeline;

/// <summary>Another process holding a sweep that a local `run` is about to train: the sweep itself (another run, an analysis,
/// a submission) or one of its runs (a cluster task).</summary>
public static class SweepHolds
{
    /// <summary>Refuses the run as its lock would (<see cref="PipelineRunner.RunAsync"/> takes it, and checks the runs' folders,
    /// before anything is replaced), with the same words. `run` asks it before any memory verdict (a run's own, found while
    /// loading, too): a held sweep is refused whatever the memory, so the user is told that, not to shrink the sweep and then met with it.</summary>
    /// <exception cref="SweepLockedException">A live process holds the sweep or the folder of one of its runs.</exception>
    public static void ThrowIfHeld(LoadedPipeline pipeline, string sweepDir)
    {
        SweepLock.ThrowIfHeld(sweepDir);
        foreach (var run in pipeline.Runs) SweepLock.ThrowIfHeld(ArtifactLayout.RunDir(sweepDir, run.RunId));
    }
}
