using System.Diagnostics;
using Retention.Artifacts;
using Retention.Spec;
using Retention.Synthetic;
using Retention.Training;
using static TorchSharp.torch;

namespace Retention.Benchmarks;

/// <summary>One measured configuration of `pipeline bench synthetic`.</summary>
public sealed record BenchRow(string Timestamp, string Device, string Mode, int Tasks, int DimsPerTask, int BatchSize,
    int Width, int Cells, int Steps, double Seconds, double StepsPerSecond, double CellStepsPerSecond);

/// <summary>
/// Times the synthetic trainer's step (sampling, forward, backward, Adam) with metrics off,
/// after a warm-up, on one thread of control like a real run. Figures go to bench/*.arrow.
/// </summary>
public static class SyntheticBench
{
    public sealed record Config(string Device, int Tasks, int DimsPerTask, int BatchSize, int Steps, int[] Widths);

    const int WarmupSteps = 20;

    public static IReadOnlyList<BenchRow> Run(Config c, Action<string> log, CancellationToken ct)
    {
        var device = Devices.Resolve(c.Device);
        var stamp = DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ");
        var rows = new List<BenchRow>();
        foreach (var width in c.Widths)
        {
            ct.ThrowIfCancellationRequested();
            var seconds = TimeOne(c, width, device);
            var row = new BenchRow(stamp, device.ToString(), "single", c.Tasks, c.DimsPerTask, c.BatchSize, width, 1, c.Steps,
                seconds, c.Steps / seconds, c.Steps / seconds);
            log($"width {width,5}: {row.StepsPerSecond,8:F1} steps/s ({seconds:F2}s for {c.Steps} steps on {row.Device})");
            rows.Add(row);
        }
        return rows;
    }

    static double TimeOne(Config c, int width, Device device)
    {
        var syn = new SyntheticSpec { Tasks = c.Tasks, DimsPerTask = c.DimsPerTask, Width = width };
        var train = new TrainSpec { Steps = long.MaxValue, BatchSize = c.BatchSize, LogEvery = long.MaxValue, LrSchedule = "constant" };
        var mixture = TaskMixture.From(syn, 0);
        using var trainer = new SyntheticTrainer(mixture, syn, train, 0, device);
        var batches = TaskSampler.Stream(mixture.Frequencies, c.BatchSize, 0, WarmupSteps + c.Steps).GetEnumerator();
        for (int i = 0; i < WarmupSteps && batches.MoveNext(); i++) trainer.Step(batches.Current);
        Synchronize(device);
        var clock = Stopwatch.StartNew();
        while (batches.MoveNext()) trainer.Step(batches.Current);
        Synchronize(device);
        return clock.Elapsed.TotalSeconds;
    }

    static void Synchronize(Device device)
    {
        if (device.type == TorchSharp.DeviceType.CUDA) cuda.synchronize();
    }

    public static readonly RecordBatchBuilder<BenchRow> Table = new RecordBatchBuilder<BenchRow>()
        .Utf8("timestamp", r => r.Timestamp).Utf8("device", r => r.Device).Utf8("mode", r => r.Mode)
        .Int32("tasks", r => r.Tasks).Int32("dims_per_task", r => r.DimsPerTask).Int32("batch_size", r => r.BatchSize)
        .Int32("width", r => r.Width).Int32("cells", r => r.Cells).Int32("steps", r => r.Steps)
        .Float64("seconds", r => r.Seconds).Float64("steps_per_s", r => r.StepsPerSecond)
        .Float64("cell_steps_per_s", r => r.CellStepsPerSecond);

    /// <summary>Writes the figures to &lt;root&gt;/bench/synthetic-&lt;time&gt;.arrow; returns the path.</summary>
    public static async Task<string> RecordAsync(IReadOnlyList<BenchRow> rows, string artifactsRoot)
    {
        var path = Path.Combine(artifactsRoot, "bench", $"synthetic-{DateTime.UtcNow:yyyyMMdd-HHmmss}.arrow");
        await ArrowFiles.WriteTableAsync(path, Table, rows);
        return path;
    }
}
