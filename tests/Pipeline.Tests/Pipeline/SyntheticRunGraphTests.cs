using Apache.Arrow;
using Apache.Arrow.Ipc;
using Retention.Pipeline;
using Retention.Spec;

namespace Retention.Tests.Pipeline;

public class SyntheticRunGraphTests() : InTempFolder("graph-")
{
    static PipelineSpec Spec(long steps, long logEvery, double lr = 0.01) => new()
    {
        Name = "t",
        Synthetic = new SyntheticSpec { Tasks = 3, DimsPerTask = 2, Width = 2 },
        Train = new TrainSpec { Steps = steps, BatchSize = 16, Lr = lr, LogEvery = logEvery, LrSchedule = "constant" },
    };

    static long[] Steps(string file)
    {
        using var stream = File.OpenRead(file);
        using var reader = new ArrowFileReader(stream);
        var steps = new List<long>();
        while (reader.ReadNextRecordBatch() is { } batch)
            using (batch) steps.AddRange(((Int64Array)batch.Column("step")).Values.ToArray());
        return [.. steps];
    }

    static double[] Losses(string file)
    {
        using var reader = new ArrowFileReader(File.OpenRead(file));
        var losses = new List<double>();
        while (reader.ReadNextRecordBatch() is { } batch)
            using (batch) losses.AddRange(((DoubleArray)batch.Column("train_loss")).Values.ToArray());
        return [.. losses];
    }

    [Fact]
    public async Task ACompletedRunWritesEveryLoggingStep()
    {
        var status = await SyntheticRunGraph.RunAsync("r", Spec(100, 25), dir, SilentProgress.Instance, CancellationToken.None);
        Assert.Equal("completed", status.State);
        Assert.Equal([25L, 50, 75, 100], Steps(Path.Combine(dir, "train.arrow")));
        Assert.Equal(4 * 3, Steps(Path.Combine(dir, "metrics.arrow")).Length);   // 4 logs × 3 tasks
    }

    [Fact]
    public async Task ANonFiniteLossFailsNamingTheTrainStageAndKeepsEarlierRows()
    {
        // Adam moves each weight by about lr per step: with lr = 1e18 the loss overflows float32
        // within a few steps, after the first logging step (step 1) was written.
        var error = await Assert.ThrowsAsync<StageException>(() =>
            SyntheticRunGraph.RunAsync("r", Spec(1000, 1, lr: 1e18), dir, SilentProgress.Instance, CancellationToken.None));
        Assert.Equal("train", error.Stage);
        Assert.Contains("training loss is", error.Message);
        var steps = Steps(Path.Combine(dir, "train.arrow"));
        Assert.NotEmpty(steps);
        Assert.Equal(Enumerable.Range(1, steps.Length).Select(i => (long)i), steps);   // every step up to the failure
        // ... and the failing step itself, whose loss is the evidence; earlier ones are finite, and no step after it.
        var losses = Losses(Path.Combine(dir, "train.arrow"));
        Assert.False(double.IsFinite(losses[^1]));
        Assert.All(losses[..^1], l => Assert.True(double.IsFinite(l)));
        Assert.Contains($"at step {steps[^1]} ", error.Message);
        Assert.False(File.Exists(Path.Combine(dir, "train.arrow.tmp")));
    }

    [Fact]
    public async Task CtrlCStopsEarlyWithReadableFiles()
    {
        using var stop = new CancellationTokenSource();
        var progress = new StopAt(50, stop);
        var status = await SyntheticRunGraph.RunAsync("r", Spec(100_000, 10), dir, progress, stop.Token);
        Assert.Equal("interrupted", status.State);
        Assert.InRange(status.Steps, 50, 50 + 64 + 8 + 2);   // the feed stops; in-flight batches (bounded) finish
        var steps = Steps(Path.Combine(dir, "train.arrow"));
        Assert.Equal(status.Steps / 10, steps.Length);
    }
}
