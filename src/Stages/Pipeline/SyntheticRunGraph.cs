using System.Diagnostics;
using Retention.Spec;
using Retention.Synthetic;
using Retention.Training;

namespace Retention.Pipeline;

/// <summary>A run trained by a graph: its id, resolved spec and artifact directory.</summary>
public sealed record GraphCell(string RunId, PipelineSpec Spec, string RunDir);

/// <summary>
/// The runs of a sweep group (see <see cref="SweepGroups"/>) trained together as one Dataflow
/// graph, read top to bottom:
///
///   sample (task ids per cell and step) |> train (one batched trainer, its own thread)
///          |> report (progress per run) |> records (Arrow rows per run at logging steps)
///          |> write (each run's Arrow files)
///
/// Ctrl+C (the caller's token) stops the sampler; what is in flight drains and the Arrow
/// files are completed, so an interrupted run is readable. A failing stage stops the sampler
/// too; everything produced before the failure still drains into the files, and then the
/// first error is rethrown naming its stage (see <see cref="FirstFailure"/>). Cells advance
/// together, so they share one status.
/// </summary>
public static class SyntheticRunGraph
{
    /// <summary>One run alone.</summary>
    public static Task<RunStatus> RunAsync(string runId, PipelineSpec spec, string runDir, IRunProgress progress,
        CancellationToken stop) => RunAsync([new GraphCell(runId, spec, runDir)], progress, stop);

    /// <summary>Where a group's checkpoint lives: in its first run's directory (it holds every cell's state).</summary>
    public static string CheckpointDir(IReadOnlyList<GraphCell> cells) => CheckpointFolder.Of(cells[0].RunDir);

    /// <param name="resume">Continue from the checkpoint an interrupted attempt of exactly these cells saved
    /// when it stopped: the tables keep their rows up to its step and training continues bit for bit.</param>
    public static async Task<RunStatus> RunAsync(IReadOnlyList<GraphCell> cells, IRunProgress progress, CancellationToken stop, bool resume = false)
    {
        if (cells.Count == 0 || !SweepGroups.TrainTogether(cells.Select(c => c.Spec)))
            throw new ArgumentException("a graph trains runs that differ only in synthetic.width and seed");
        var spec = cells[0].Spec;   // everything but width and seed is shared
        var mixture = TaskMixture.From(spec.Synthetic, spec.Seed);
        var cellSpecs = cells.Select(c => new CellSpec(c.RunId, c.Spec.Synthetic.Width, c.Spec.Seed)).ToList();
        var checkpointDir = CheckpointDir(cells);
        CheckpointFolder.Recover(checkpointDir);
        // A checkpoint a run of the group has outdated by training on alone (its own is newer) would leave that run's rows short of its step.
        bool stale = SyntheticTrainer.Superseded(checkpointDir, cells.Skip(1).Select(c => CheckpointFolder.Current(CheckpointFolder.Of(c.RunDir))));
        long? resumeAt = resume && !stale ? SyntheticTrainer.CheckpointStep(checkpointDir, cellSpecs) : null;
        string group = $"{cells[0].RunId}{(cells.Count > 1 ? $" (+{cells.Count - 1})" : "")}";
        // A resume that retrains runs an earlier attempt had started says so (not a group that never started).
        if (resume && resumeAt is null && cells.Any(c => Artifacts.ArrowParts.Written(Path.Combine(c.RunDir, "metrics.arrow"))))
            progress.Info(ResumeFromZero.Line(group, stale
                ? "the group's checkpoint is older than one a run of it saved training alone since, so their rows no longer meet at one step"
                : SyntheticTrainer.WhyNotResumable(checkpointDir, cellSpecs)!));
        if (resumeAt is null)
            foreach (var cell in cells) DeleteCheckpoint(CheckpointFolder.Of(cell.RunDir));   // another grouping's, or a finished attempt's
        else
        {
            progress.Info($"{group}: resuming from the checkpoint at step {resumeAt}");
            foreach (var cell in cells) progress.Resumed(cell.RunId, resumeAt.Value);
        }
        await using var writers = new CellWriters(cells.Select(c => c.RunDir), resumeAt);   // first: nothing to undo if it throws
        // Each cell's elapsed_s continues from the time its kept rows had reached (0 on a fresh start).
        var elapsedBefore = cells.Select(c => resumeAt is { } at ? ResumedClock.Of(Path.Combine(c.RunDir, "train.arrow"), at) : TimeSpan.Zero).ToArray();
        using var failure = new FirstFailure();
        using var trainerThread = new DedicatedThreadScheduler($"trainer {cells[0].RunId} (+{cells.Count - 1})");
        var onTrainer = new TaskFactory(trainerThread);
        var trainer = await onTrainer.StartNew(() =>
        {
            var t = new SyntheticTrainer(mixture, spec.Train, cellSpecs, Devices.Resolve(spec.Device), spec.Synthetic.Rare);
            if (resumeAt is not null) t.LoadCheckpoint(checkpointDir);
            return t;
        });
        var clock = Stopwatch.StartNew();
        long lastStep = resumeAt ?? 0;
        bool drained = false;
        try
        {
            var train   = Stage.Transform<CellBatch, StepOutcome>("train", trainer.Step, failure, trainerThread, capacity: 8, endsRun: o => o.EndsRun);
            var report  = Stage.Transform<StepOutcome, StepOutcome>("report", o =>
                          {
                              lastStep = o.Step;
                              for (int c = 0; c < cells.Count; c++) progress.Step(cells[c].RunId, o.Step, o.TrainLoss?[c]);
                              return o;
                          }, failure);
            var records = Stage.TransformMany<StepOutcome, (int Cell, RunRecord Row)>("records", o =>
                          Enumerable.Range(0, cells.Count).SelectMany(c => SyntheticRecords.From(o, c, elapsedBefore[c] + clock.Elapsed, spec.Synthetic.Rare, spec.Train.BatchSize).Select(r => (c, r))),
                          failure);
            var write   = Stage.Sink<(int Cell, RunRecord Row)>("write", r => { writers.Write(r.Cell, r.Row); return Task.CompletedTask; }, failure);
            train.Then(report).Then(records).Then(write);

            var batches = CellSampler.Stream(mixture, spec.Synthetic.Rare, spec.Train.BatchSize, [.. cellSpecs.Select(c => c.Seed)], spec.Train.Steps,
                from: (resumeAt ?? 0) + 1);
            await Stage.Feed("sample", batches, train, failure, stop);
            await write.Completion;
            failure.ThrowIfFailed();
            drained = true;
        }
        finally
        {
            try { await writers.CompleteAsync(); }
            finally
            {
                // Stopped (Ctrl+C, a scheduler's warning) with every step's rows written: keep the trainer's state at
                // that step, written beside the checkpoint and put in place once complete, so a resume continues there.
                bool stopped = drained && lastStep < spec.Train.Steps && lastStep > (resumeAt ?? 0);
                await onTrainer.StartNew(() =>
                {
                    try
                    {
                        if (stopped)
                        {
                            var pending = CheckpointFolder.Pending(checkpointDir, lastStep);
                            trainer.SaveCheckpoint(pending, lastStep);
                            CheckpointFolder.Replace(pending, checkpointDir);
                        }
                    }
                    finally { trainer.Dispose(); }
                });
            }
        }
        var seconds = clock.Elapsed.TotalSeconds;
        if (lastStep == spec.Train.Steps) DeleteCheckpoint(checkpointDir);   // finished: nothing left to resume
        return lastStep == spec.Train.Steps
            ? RunStatus.Completed(lastStep, seconds)
            : new RunStatus("interrupted", lastStep, seconds);
    }

    static void DeleteCheckpoint(string dir)
    {
        if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
    }
}
