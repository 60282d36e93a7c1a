using System.Diagnostics;
using Retention.Artifacts;
using Retention.Spec;
using Retention.Synthetic;
using Retention.Training;
using static TorchSharp.torch;

namespace Retention.Benchmarks;

/// <summary>
/// One measured configuration of `pipeline bench synthetic`. Mode "single": one cell trained
/// alone (Width is its width). Mode "batched": all cells in one trainer (Width is the widest,
/// Cells how many); CellStepsPerSecond counts every cell's step.
/// </summary>
public sealed record BenchRow(string Timestamp, string Device, string Mode, int Tasks, int DimsPerTask, int BatchSize,
    int Width, int Cells, int Steps, double Seconds, double StepsPerSecond, double CellStepsPerSecond);

/// <summary>
/// Times the synthetic trainer's step (sampling, forward, backward, Adam) with metrics off,
/// after a warm-up, on one thread of control like a real run. A grid of cells (widths × seeds)
/// is timed one cell at a time (what a sweep cost before batching: the sum of their times),
/// all cells in one batched trainer, or both, with the speed-up. Figures go to bench/*.arrow.
/// </summary>
public static class SyntheticBench
{
    public enum Mode { Single, Batched, Bucketed, Both }

    public sealed record Config(string Device, int Tasks, int DimsPerTask, int BatchSize, int Steps, int[] Widths,
        int[] Seeds, Mode Mode = Mode.Single, int Jobs = 1);

    /// <summary>Named width grids for --grid.</summary>
    public static readonly IReadOnlyDictionary<string, int[]> Grids = new Dictionary<string, int[]>
    {
        // Paper Fig 2 (pipelines/synthetic-capacity.yaml, full profile): K = 32, d = 16, batch 256.
        ["fig2"] = [4, 8, 16, 32, 64, 96, 128, 192, 256, 384, 512],
    };

    const int WarmupSteps = 20;

    /// <summary>The widest width <paramref name="c"/> has that exceeds the input dimension D = tasks × dims_per_task, the
    /// bound `validate` puts on synthetic.width (an encoder wider than its input has no more features to keep); null when none.</summary>
    public static string? WidthProblem(Config c)
    {
        long inputs = (long)c.Tasks * c.DimsPerTask;
        return c.Widths.Where(w => w > inputs).Select(w => (int?)w).Max() is { } wide
            ? $"width {wide} is more than the input dimension D = tasks × dims_per_task = {c.Tasks} × {c.DimsPerTask} = {inputs}; " +
              "a width is at most D, as synthetic.width in a pipeline"
            : null;
    }

    public static IReadOnlyList<BenchRow> Run(Config c, Action<string> log, CancellationToken ct)
    {
        if (WidthProblem(c) is { } problem) throw new ArgumentException(problem);
        var device = Devices.Resolve(c.Device);
        // Concurrent trainers on one CUDA device would race on its default generator (CellInputs).
        if (c.Jobs > 1 && device.type != TorchSharp.DeviceType.CPU)
            throw new ArgumentException($"--jobs {c.Jobs} is for the CPU; on {device} a grid is one batched trainer");
        var stamp = BenchRecords.Timestamp();
        var cells = c.Seeds.SelectMany(s => c.Widths.Select(w => new CellSpec($"width-{w}_seed-{s}", w, s))).ToList();
        BenchRow Row(string mode, int width, int count, double seconds) => new(stamp, device.ToString(), mode, c.Tasks,
            c.DimsPerTask, c.BatchSize, width, count, c.Steps, seconds, c.Steps / seconds, count * c.Steps / seconds);

        var rows = new List<BenchRow>();
        if (c.Mode is Mode.Single or Mode.Both)
        {
            foreach (var cell in cells)
            {
                ct.ThrowIfCancellationRequested();
                var row = Row("single", cell.Width, 1, Time(c, [cell], device, ct));
                log($"single  {cell.RunId,-20} {row.StepsPerSecond,8:F1} steps/s ({row.Seconds:F2}s for {Messages.Counted.Of(c.Steps, "step")} on {row.Device})");
                rows.Add(row);
            }
            if (cells.Count > 1)
            {
                double total = rows.Sum(r => r.Seconds);
                log($"single  one at a time: {total:F2}s for {cells.Count} cells × {Messages.Counted.Of(c.Steps, "step")} = {cells.Count * c.Steps / total:F1} cell-steps/s");
            }
        }
        if (c.Mode is Mode.Batched or Mode.Both)
        {
            ct.ThrowIfCancellationRequested();
            var row = Row("batched", cells.Max(x => x.Width), cells.Count, Time(c, cells, device, ct));
            log($"batched {Messages.Counted.Of(cells.Count, "cell")} together: {row.StepsPerSecond,8:F1} steps/s = {row.CellStepsPerSecond:F1} cell-steps/s ({row.Seconds:F2}s for {Messages.Counted.Of(c.Steps, "step")} on {row.Device})");
            rows.Add(row);
        }
        if (c.Mode is Mode.Bucketed or Mode.Both)
        {
            // What `pipeline run` does on the CPU: one trainer per bucket of similar widths.
            double overhead = Pipeline.SweepGroups.OverheadColumns(c.Tasks * c.DimsPerTask, c.BatchSize);
            var buckets = Pipeline.SweepGroups.SplitForJobs(Pipeline.SweepGroups.WidthBuckets(cells, x => x.Width, overhead),
                x => x.Width, c.Jobs, _ => overhead);
            double seconds = 0;
            if (c.Jobs > 1)
            {
                // Wall clock of all buckets on c.Jobs threads, widest first (warm-ups included).
                var clock = Stopwatch.StartNew();
                try
                {
                    Parallel.ForEach(buckets.OrderByDescending(b => b.Sum(x => x.Width)),
                        new ParallelOptions { MaxDegreeOfParallelism = c.Jobs, CancellationToken = ct }, bucket => Time(c, bucket, device, ct));
                }
                catch (AggregateException e) when (ct.IsCancellationRequested && e.InnerExceptions.All(x => x is OperationCanceledException))
                {
                    throw new OperationCanceledException(ct);   // a stop inside a bucket's steps, as one between buckets
                }
                seconds = clock.Elapsed.TotalSeconds;
            }
            else
            {
                foreach (var bucket in buckets)
                {
                    ct.ThrowIfCancellationRequested();
                    seconds += Time(c, bucket, device, ct);
                }
            }
            var row = Row(c.Jobs > 1 ? $"bucketed-j{c.Jobs}" : "bucketed", cells.Max(x => x.Width), cells.Count, seconds);
            log($"bucketed {Messages.Counted.Of(buckets.Count, "trainer")} ({string.Join(" | ", buckets.Select(b => string.Join(",", b.Select(x => x.Width))))})" +
                $"{(c.Jobs > 1 ? $" on {c.Jobs} threads" : "")}: {row.CellStepsPerSecond:F1} cell-steps/s ({seconds:F2}s)");
            rows.Add(row);
        }
        if (c.Mode is Mode.Both)
        {
            double single = rows.Where(r => r.Mode == "single").Sum(r => r.Seconds);
            double batched = rows.Single(r => r.Mode == "batched").Seconds;
            double bucketed = rows.Single(r => r.Mode.StartsWith("bucketed")).Seconds;
            log($"speed-up over one cell at a time: batched {single / batched:F2}× ({single:F2}s → {batched:F2}s), " +
                $"bucketed {single / bucketed:F2}× ({bucketed:F2}s)");
        }
        return rows;
    }

    /// <summary>Seconds for c.Steps steps of one trainer of these cells, after a warm-up.</summary>
    static double Time(Config c, IReadOnlyList<CellSpec> cells, Device device, CancellationToken ct)
    {
        var syn = new SyntheticSpec { Tasks = c.Tasks, DimsPerTask = c.DimsPerTask };
        var train = new TrainSpec { Steps = long.MaxValue, BatchSize = c.BatchSize, LogEvery = long.MaxValue, LrSchedule = "constant" };
        var mixture = TaskMixture.From(syn, 0);
        using var trainer = new SyntheticTrainer(mixture, train, cells, device);
        using var batches = CellSampler.Stream(mixture, null, c.BatchSize, [.. cells.Select(x => x.Seed)], WarmupSteps + c.Steps)
            .GetEnumerator();
        for (int i = 0; i < WarmupSteps && batches.MoveNext(); i++)
        {
            ct.ThrowIfCancellationRequested();
            trainer.Step(batches.Current);
        }
        Devices.Synchronize(device);
        var clock = Stopwatch.StartNew();
        while (batches.MoveNext())
        {
            ct.ThrowIfCancellationRequested();   // a stop ends the bench at this step; nothing is recorded
            trainer.Step(batches.Current);
        }
        Devices.Synchronize(device);
        return clock.Elapsed.TotalSeconds;
    }


    public static readonly RecordBatchBuilder<BenchRow> Table = new RecordBatchBuilder<BenchRow>()
        .Utf8("timestamp", r => r.Timestamp).Utf8("device", r => r.Device).Utf8("mode", r => r.Mode)
        .Int32("tasks", r => r.Tasks).Int32("dims_per_task", r => r.DimsPerTask).Int32("batch_size", r => r.BatchSize)
        .Int32("width", r => r.Width).Int32("cells", r => r.Cells).Int32("steps", r => r.Steps)
        .Float64("seconds", r => r.Seconds).Float64("steps_per_s", r => r.StepsPerSecond)
        .Float64("cell_steps_per_s", r => r.CellStepsPerSecond);

    public static Task<string> RecordAsync(IReadOnlyList<BenchRow> rows, string artifactsRoot) =>
        BenchRecords.WriteAsync(artifactsRoot, "synthetic", Table, rows);
}
