using System.Diagnostics;
using System.Threading.Tasks.Dataflow;
using Retention.Spec;
using Retention.Synthetic;
using Retention.Training;

namespace Retention.Pipeline;

/// <summary>
/// One synthetic run as a Dataflow graph, read top to bottom:
///
///   sample (task ids per step) |> train (trainer thread) |> report (progress)
///          |> records (Arrow rows at logging steps) |> write (Arrow files)
///
/// Ctrl+C (the caller's token) stops the sampler; what is in flight drains and the Arrow
/// files are completed, so an interrupted run is readable. A failing stage stops the sampler
/// too; everything produced before the failure still drains into the files, and then the
/// first error is rethrown naming its stage (see <see cref="FirstFailure"/>).
/// </summary>
public static class SyntheticRunGraph
{
    public static async Task<RunStatus> RunAsync(string runId, PipelineSpec spec, string runDir, IRunProgress progress,
        CancellationToken stop)
    {
        var mixture = TaskMixture.From(spec.Synthetic, spec.Seed);
        using var failure = new FirstFailure();
        using var trainerThread = new DedicatedThreadScheduler($"trainer {runId}");
        var onTrainer = new TaskFactory(trainerThread);
        var trainer = await onTrainer.StartNew(() =>
            new SyntheticTrainer(mixture, spec.Synthetic, spec.Train, spec.Seed, Devices.Resolve(spec.Device)));
        var clock = Stopwatch.StartNew();
        long lastStep = 0;
        await using var writers = new SyntheticRunWriters(runDir);
        try
        {
            var train   = Stage.Transform<TaskBatch, StepOutcome>("train", trainer.Step, failure, trainerThread, capacity: 8);
            var report  = Stage.Transform<StepOutcome, StepOutcome>("report", o =>
                          { lastStep = o.Step; progress.Step(runId, o.Step, o.TrainLoss); return o; }, failure);
            var records = Stage.TransformMany<StepOutcome, RunRecord>("records", o => SyntheticRecords.From(o, clock.Elapsed), failure);
            var write   = Stage.Sink<RunRecord>("write", r => { writers.Write(r); return Task.CompletedTask; }, failure);
            train.Then(report).Then(records).Then(write);

            var batches = TaskSampler.Stream(mixture.Frequencies, spec.Train.BatchSize, spec.Seed, spec.Train.Steps);
            await Stage.Feed("sample", batches, train, failure, stop);
            await write.Completion;
            failure.ThrowIfFailed();
        }
        finally
        {
            await writers.CompleteAsync();
            await onTrainer.StartNew(trainer.Dispose);
        }
        var seconds = clock.Elapsed.TotalSeconds;
        return lastStep == spec.Train.Steps
            ? RunStatus.Completed(lastStep, seconds)
            : new RunStatus("interrupted", lastStep, seconds);
    }
}
