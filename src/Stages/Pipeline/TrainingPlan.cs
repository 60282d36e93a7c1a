using Retention.Spec;

namespace Retention.Pipeline;

/// <summary>Which runs of a sweep attempt train, and in which groups.</summary>
/// <param name="CompletedEarlier">The runs a --resume skips, with the status they ended with, in the sweep's order.</param>
/// <param name="Groups">The groups to train, each trained together (<see cref="SweepGroups"/>).</param>
/// <param name="Jobs">Groups trained at once; 1: one after another.</param>
sealed record TrainingPlan(IReadOnlyList<(string Run, RunStatus Status)> CompletedEarlier, IReadOnlyList<IReadOnlyList<RunPlan>> Groups, int Jobs)
{
    /// <param name="earlierEnds">Each run's status.json as <see cref="SweepFolderPreparation"/> read it for a --resume (a run
    /// without one: absent or null); empty when the attempt does not resume.</param>
    /// <param name="jobs">--jobs: synthetic runs on the CPU and OLMo runs train side by side; the others one group at a time.</param>
    /// <param name="clusterTask">The runs are one cluster task's (`pipeline task`): one group where they train together.</param>
    public static TrainingPlan Of(SweepAttempt sweep, IReadOnlyDictionary<string, RunStatus?> earlierEnds, int jobs, bool clusterTask)
    {
        var (completed, pending) = SkipCompleted(sweep, earlierEnds);
        string experiment = sweep.Pipeline.Spec.Experiment;
        bool synthetic = experiment == "synthetic";
        bool parallel = jobs > 1 && (experiment == "olmo" || synthetic && pending.All(r => Training.Devices.IsCpu(r.Spec.Device)));
        var groups = synthetic ? SyntheticGroups(pending, sweep.RunDir, sweep.Resume, clusterTask, parallel ? jobs : 1)
            : pending.Select(r => (IReadOnlyList<RunPlan>)[r]).ToList();
        return new(completed, groups, parallel && groups.Count > 1 ? jobs : 1);
    }

    /// <summary>The groups these synthetic runs, none of them completed, train in. Also what `status` expects of a resume
    /// (<see cref="Cluster.SweepObserver"/>: which checkpoint step each run continues from), so the two cannot disagree.</summary>
    /// <param name="runDir">A run's directory (a group's checkpoint is kept in its first run's).</param>
    /// <param name="clusterTask">The runs of one cluster task: trained as one group where they train together.</param>
    /// <param name="jobs">Groups trained at once (1: one after another).</param>
    /// <param name="isCpu">Whether runs on a device: value train on the CPU (<see cref="SweepGroups.Of"/>'s; default: asks LibTorch of auto).</param>
    /// <param name="renamed">A resume's runs to adopt, not yet moved (<see cref="SweepGroups.ForResume"/>'s).</param>
    public static IReadOnlyList<IReadOnlyList<RunPlan>> SyntheticGroups(IReadOnlyList<RunPlan> pending, Func<string, string> runDir,
        bool resume, bool clusterTask, int jobs, Func<string, bool>? isCpu = null, IReadOnlyDictionary<string, string>? renamed = null) =>
        clusterTask && pending.Count > 0 && SweepGroups.TrainTogether(pending.Select(r => r.Spec)) ? [pending]
        // A resume trains each checkpoint's runs together again, as they were saved, whatever --jobs it has.
        : resume ? SweepGroups.ForResume(pending, runDir, jobs, isCpu, renamed)
        : SweepGroups.Of(pending, jobs, isCpu);

    /// <summary>With --resume, completed runs are set aside before grouping (and said to be), so a finished run is never
    /// regrouped (grouping depends on --jobs) with an unfinished one and trained again.</summary>
    static (List<(string, RunStatus)> Completed, List<RunPlan> Pending) SkipCompleted(SweepAttempt sweep, IReadOnlyDictionary<string, RunStatus?> earlierEnds)
    {
        var completed = new List<(string, RunStatus)>();
        var pending = new List<RunPlan>();
        foreach (var run in sweep.Runs)
        {
            if (earlierEnds.GetValueOrDefault(run.RunId) is { State: "completed" } earlier)
            {
                sweep.Progress.Info($"{run.RunId}: completed earlier, skipped (--resume)");
                sweep.Progress.RunCompletedEarlier(run.RunId, sweep.Runs.Count);
                completed.Add((run.RunId, earlier));
            }
            else pending.Add(run);
        }
        return (completed, pending);
    }
}
