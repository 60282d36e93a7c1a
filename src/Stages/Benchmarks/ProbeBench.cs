using Retention.Artifacts;
using Retention.Pipeline;
using Retention.Spec;
using Retention.Training;

namespace Retention.Benchmarks;

/// <summary>One stage of one benchmarked run: its seconds and their share of the training steps' time.</summary>
public sealed record ProbeBenchRow(string Timestamp, string Pipeline, string Run, long Steps, double TrainSeconds, string Stage, long Calls,
    double Seconds, double ShareOfTraining, bool IsProbe);

/// <summary>
/// `pipeline bench probes`: trains a pipeline's runs with their probes (analysis off) and reads back
/// each run's stages.arrow: the time of every probe against the time of the training steps, at the
/// cadence the file sets. Probes run between steps on the trainer thread, so their time adds to the run's.
/// </summary>
public static class ProbeBench
{
    public static readonly RecordBatchBuilder<ProbeBenchRow> Table = new RecordBatchBuilder<ProbeBenchRow>()
        .Utf8("timestamp", r => r.Timestamp).Utf8("pipeline", r => r.Pipeline).Utf8("run", r => r.Run).Int64("steps", r => r.Steps)
        .Float64("train_seconds", r => r.TrainSeconds).Utf8("stage", r => r.Stage).Int64("calls", r => r.Calls)
        .Float64("seconds", r => r.Seconds).Float64("share_of_training", r => r.ShareOfTraining).Bool("is_probe", r => r.IsProbe);

    static readonly string[] Probes = ["das", "fourier", "gradients", "injection_eval"];

    public static async Task<IReadOnlyList<ProbeBenchRow>> RunAsync(LoadedPipeline pipeline, string artifactsRoot, int jobs, Action<string> log,
        CancellationToken ct)
    {
        var stamp = BenchRecords.Timestamp();
        // As the runner checks them, but before the scratch folder is made: a refused device (exit 2, nothing run) left an
        // empty one behind.
        foreach (var device in pipeline.Runs.Select(r => r.Spec.Device).Distinct()) Devices.Resolve(device);
        // Scratch runs, in a folder of this bench's own (bench/probe-runs/<name>-<UTC time>, -2, ... as records are named):
        // in one shared folder per pipeline a second bench started beside the first was refused as the sweep's writer.
        // Removed once the figures are recorded; a failed or stopped bench leaves its runs, which its error names.
        var root = FreeName.Take(Path.Combine(artifactsRoot, "bench", "probe-runs"), $"{pipeline.Spec.Name}-{DateTime.UtcNow:yyyyMMdd-HHmmss}", "",
            path => Directory.CreateDirectory(path));
        var result = await PipelineRunner.RunAsync(pipeline, root, new LogProgress(log, ct), ct, analyze: false, jobs: jobs);
        // A stopped run's shares are of a shorter run (the step-0 probes weigh more): not figures of the file's cadence.
        if (result.Interrupted)
        {
            log($"stopped before the runs ended: nothing recorded; the scratch runs are left in {root}");
            throw new OperationCanceledException("stopped before the runs ended: nothing recorded", ct);
        }
        if (result.Runs.Where(r => r.Status.State != "completed").ToList() is [var (unfinished, ended), ..])
            throw new InvalidOperationException($"{unfinished} {ended.State}{(ended.Error is { } e ? $": {e}" : "")}: nothing recorded");
        var rows = new List<ProbeBenchRow>();
        foreach (var (run, status) in result.Runs)
        {
            var stages = StageTimes.Read(Path.Combine(result.SweepDir, "runs", run, StageTimes.File));
            double train = stages.FirstOrDefault(s => s.Stage == StageTimes.TrainStep)?.Seconds ?? double.NaN;
            rows.AddRange(stages.Select(s => new ProbeBenchRow(stamp, pipeline.Spec.Name, run, status.Steps, train, s.Stage, s.Calls, s.Seconds,
                s.Seconds / train, Probes.Contains(s.Stage))));
            double probes = stages.Where(s => Probes.Contains(s.Stage)).Sum(s => s.Seconds);
            log($"{run}: {Messages.Counted.Of(status.Steps, "step")}, training steps {train:F1} s; probes {probes:F1} s = {100 * probes / train:F1}% of it " +
                $"({string.Join(", ", stages.Where(s => Probes.Contains(s.Stage)).Select(s => $"{s.Stage} {s.Seconds:F1} s"))})");
            // Not "in N calls": a stage is called before and after every step and works only at its own steps, so its calls
            // (4,002 for DAS on two tasks over 1,000 steps) read as probe runs; the record keeps them, README says what they are.
        }
        try { Directory.Delete(root, recursive: true); }
        catch (IOException) { /* scratch left behind harms nothing */ }
        // Its bench/probe-runs/ too, where no other bench's runs are left there: bench/ then holds the records alone, as after bench query.
        EmptyFolder.RemoveIfEmpty(Path.GetDirectoryName(root));
        return rows;
    }

    public static Task<string> RecordAsync(IReadOnlyList<ProbeBenchRow> rows, string artifactsRoot) =>
        BenchRecords.WriteAsync(artifactsRoot, "probes", Table, rows);

    /// <summary>The runner's lines, less what it says once stopped: "checkpoint saved, --resume continues from it" and
    /// "artifacts written so far are complete and readable" hold for `pipeline run`, but a bench has no --resume and its
    /// scratch runs are no results; it says itself what a stop leaves.</summary>
    sealed class LogProgress(Action<string> log, CancellationToken stopped) : IRunProgress
    {
        public void RunStarted(string runId, int index, int count, long totalSteps) => log($"{runId}: {Messages.Counted.Of(totalSteps, "step")}");
        public void Step(string runId, long step, double? trainLoss, DataCounts? data = null) { }
        public void RunFinished(string runId, RunStatus status) => log($"{runId}: {status.State}");
        public void Info(string message)
        {
            if (!stopped.IsCancellationRequested) log(message);
        }
    }
}
