using Retention.Artifacts;
using Retention.Pipeline;
using Retention.Spec;

namespace Retention.Cluster;

/// <summary>Gathers what `pipeline status` shows: each run's directory, its task and the scheduler's word on it.</summary>
public static class SweepObserver
{
    /// <param name="schedulerProblem">Why the scheduler could not be asked (its commands missing or failing), or null.</param>
    /// <param name="analysis">The state of the latest submission's analysis job, or null when none was submitted.</param>
    public static IReadOnlyList<RunState> Observe(string sweepDir, out string? schedulerProblem, out AnalysisState? analysis)
    {
        analysis = null;
        schedulerProblem = null;
        sweepDir = Path.GetFullPath(sweepDir);
        var pipelineFile = ArtifactLayout.SweepPipelineFile(sweepDir);
        var plans = SpecLoader.Load(pipelineFile, checkAnalysis: false, stored: true).Runs;
        var runs = plans.Select(r => r.RunId).ToList();
        var checkpoints = CheckpointSteps(sweepDir, plans);

        var submissions = SlurmSubmission.All(sweepDir);
        var taskOf = new Dictionary<string, (SlurmSubmission Sub, int Task)>();
        foreach (var s in submissions)   // oldest first: the latest submission of a run wins
            for (int t = 0; t < s.Tasks.Count; t++)
                foreach (var run in s.Tasks[t]) taskOf[run] = (s, t);
        var live = new Dictionary<(string, int), SchedulerTask>();
        var ids = submissions.Select(s => s.ArrayJobId).OfType<string>().ToList();
        if (ids.Count > 0)
        {
            try
            {
                foreach (var t in SlurmClient.Queue(ids)) live[(t.ArrayJobId, t.Task)] = t;
            }
            catch (SlurmException e) { schedulerProblem = e.Message; }
        }
        bool sweepHeld = SweepLock.IsHeld(sweepDir), canAsk = schedulerProblem is null;
        if (submissions.LastOrDefault(s => s.AnalysisJobId is not null) is { AnalysisJobId: { } analysisJob } last)
            analysis = SweepStatus.ClassifyAnalysis(analysisJob, canAsk ? SlurmClient.QueueState(analysisJob) : null,
                canAsk ? () => SlurmClient.EndState(analysisJob) : null, last.AnalysisLog, canAsk);
        var requeues = submissions.ToDictionary(s => s.Number, s => s.Requeues());
        return [.. runs.Select(run =>
        {
            var dir = Path.Combine(sweepDir, ArtifactLayout.RunsDir, run);
            var observation = new RunObservation(PipelineRunner.ReadStatus(dir), SweepContract.ReadProvenance(dir), sweepHeld || SweepLock.IsHeld(dir),
                CheckpointStep: checkpoints.TryGetValue(run, out var step) ? step : null);
            if (taskOf.TryGetValue(run, out var task) && task.Sub.ArrayJobId is { } job)
                observation = observation with
                {
                    Job = $"{job}_{task.Task}",
                    Live = live.GetValueOrDefault((job, task.Task)),
                    Requeues = requeues[task.Sub.Number].GetValueOrDefault(task.Task),
                    EndState = canAsk ? () => SlurmClient.EndState($"{job}_{task.Task}") : null,
                    Log = task.Sub.LogOf(task.Task),
                    SchedulerAnswered = canAsk,
                };
            return SweepStatus.Classify(run, observation);
        })];
    }

    /// <summary>The step each run's checkpoint holds, where it has one: an OLMo run's own, or the synthetic group's (kept in its
    /// first run's directory, naming every run of the group). Unreadable checkpoints are left out (a resume trains afresh).</summary>
    static Dictionary<string, long> CheckpointSteps(string sweepDir, IReadOnlyList<RunPlan> runs)
    {
        var steps = new Dictionary<string, long>();
        foreach (var run in runs)
        {
            var dir = Training.CheckpointFolder.Of(Path.Combine(sweepDir, ArtifactLayout.RunsDir, run.RunId));
            if (!Directory.Exists(dir)) continue;
            try
            {
                if (run.Spec.Experiment == "synthetic")
                {
                    if (Synthetic.SyntheticTrainer.Describe(dir) is { } group)
                        foreach (var cell in group.Runs) steps[cell] = group.Step;
                }
                else if (run.Spec.Experiment == "olmo") steps[run.RunId] = Training.OlmoTrainer.Describe(dir).Step;
            }
            catch (Exception e) when (e is IOException or System.Text.Json.JsonException or InvalidDataException) { }
        }
        return steps;
    }
}
