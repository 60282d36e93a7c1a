using System.CommandLine;
using Retention.Host.Output;
using Retention.Benchmarks;
using Retention.Training;

namespace Retention.Host.Commands;

/// <summary>`pipeline bench synthetic`: steps/s of the synthetic trainer at several widths.</summary>
public static class BenchCommand
{
    public static Command Build()
    {
        var device = new Option<string>("--device", "-d") { Description = "cpu | cuda | auto", DefaultValueFactory = _ => "cpu" };
        var widths = new Option<string>("--widths") { Description = "Comma-separated widths.", DefaultValueFactory = _ => "16,128,512" };
        var steps = new Option<int>("--steps") { Description = "Timed steps per width (after 20 warm-up steps).", DefaultValueFactory = _ => 300 };
        var tasks = new Option<int>("--tasks") { Description = "K", DefaultValueFactory = _ => 32 };
        var dims = new Option<int>("--dims-per-task") { Description = "d", DefaultValueFactory = _ => 16 };
        var batch = new Option<int>("--batch-size") { Description = "Batch size.", DefaultValueFactory = _ => 256 };
        var threads = new Option<int>("--threads") { Description = "LibTorch CPU threads (0 = one per core).", DefaultValueFactory = _ => 1 };
        var artifacts = new Option<string>("--artifacts", "-o") { Description = "Artifacts root; figures go to bench/.", DefaultValueFactory = _ => "artifacts" };
        var synthetic = new Command("synthetic", "Synthetic trainer steps/s (K tasks, batch, Adam, metrics excluded) per width.")
        {
            device, widths, steps, tasks, dims, batch, threads, artifacts,
        };
        synthetic.SetAction(async (r, ct) =>
        {
            try
            {
                TorchThreads.Apply(r.GetValue(threads));
                var config = new SyntheticBench.Config(r.GetValue(device)!, r.GetValue(tasks), r.GetValue(dims), r.GetValue(batch), r.GetValue(steps),
                    r.GetValue(widths)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(int.Parse).ToArray());
                var rows = SyntheticBench.Run(config, line => Console.WriteLine(line), ct);
                var path = await SyntheticBench.RecordAsync(rows, r.GetValue(artifacts)!);
                Console.WriteLine($"recorded: {path}");
                return 0;
            }
            catch (Exception e) when (Errors.IsUserFacing(e) || e is FormatException)
            {
                return Errors.Report(e);
            }
        });
        return new Command("bench", "Measure throughput on the current device and record the figures.") { synthetic };
    }
}
