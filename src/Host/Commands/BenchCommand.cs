using System.CommandLine;
using Retention.Host.Output;
using Retention.Benchmarks;
using Retention.Training;

namespace Retention.Host.Commands;

/// <summary>`pipeline bench synthetic`: steps/s of the synthetic trainer, one cell at a time and/or batched.</summary>
public static class BenchCommand
{
    public static Command Build()
    {
        var device = new Option<string>("--device", "-d") { Description = "cpu | cuda | cuda:N | auto", DefaultValueFactory = _ => "cpu" };
        var widths = new Option<string>("--widths") { Description = "Comma-separated widths.", DefaultValueFactory = _ => "16,128,512" };
        var grid = new Option<string?>("--grid") { Description = "A named width grid instead of --widths: fig2 (the paper's 11 widths, 4 to 512)." };
        var seeds = new Option<string>("--seeds") { Description = "Comma-separated seeds; the cells are widths × seeds.", DefaultValueFactory = _ => "0" };
        var mode = new Option<string>("--mode")
        {
            Description = "single: each cell alone; batched: all cells in one trainer; bucketed: one trainer per bucket of similar widths (what run does on the CPU); both: all three and the speed-ups.",
            DefaultValueFactory = _ => "single",
        };
        var steps = new Option<int>("--steps") { Description = "Timed steps per trainer (after 20 warm-up steps).", DefaultValueFactory = _ => 300 }.AtLeast(1);
        var tasks = new Option<int>("--tasks") { Description = "K: tasks of the mixture (synthetic.tasks).", DefaultValueFactory = _ => 32 }.AtLeast(1);
        var dims = new Option<int>("--dims-per-task") { Description = "d: dimensions of each task's block (synthetic.dims_per_task).", DefaultValueFactory = _ => 16 }.AtLeast(1);
        var batch = new Option<int>("--batch-size") { Description = "Batch size.", DefaultValueFactory = _ => 256 }.AtLeast(1);
        var threads = new Option<int>("--threads") { Description = "LibTorch CPU threads (0 = one per core).", DefaultValueFactory = _ => 1 }.AtLeast(0);
        var artifacts = new Option<string>("--artifacts", "-o") { Description = "Artifacts root; figures go to bench/.", DefaultValueFactory = _ => "artifacts" }
            .NotEmpty("a folder, or leave --artifacts out for artifacts/");
        var jobs = new Option<int>("--jobs", "-j") { Description = "Buckets trained at once in bucketed mode (as `run --jobs`).", DefaultValueFactory = _ => 1 }.AtLeast(1);
        var synthetic = new Command("synthetic", "Synthetic trainer steps/s (K tasks, batch, Adam, metrics excluded) per cell, alone or batched.")
        {
            device, widths, grid, seeds, mode, steps, tasks, dims, batch, threads, jobs, artifacts,
        };
        synthetic.SetAction(async (r, ct) =>
        {
            try
            {
                TorchThreads.Apply(r.GetValue(threads));
                if (r.GetValue(grid) is { } named && r.GetResult(widths) is { Implicit: false })
                    throw new UsageException($"--grid {named} and --widths both name the widths: give one of them");
                var config = new SyntheticBench.Config(OptionLists.Device(r.GetValue(device)!), r.GetValue(tasks), r.GetValue(dims), r.GetValue(batch),
                    r.GetValue(steps), Widths(r.GetValue(grid), r.GetValue(widths)!), OptionLists.Ints(r.GetValue(seeds)!, "--seeds"),
                    Enum.Parse<SyntheticBench.Mode>(OptionLists.OneOf(r.GetValue(mode)!, "--mode", Modes, "mode"), ignoreCase: true), r.GetValue(jobs));
                if (SyntheticBench.WidthProblem(config) is { } wide)
                    throw new UsageException($"{(r.GetValue(grid) is { } g ? $"--grid {g}" : "--widths")}: {wide}");
                BenchFolder.Check(r.GetValue(artifacts)!);
                var rows = SyntheticBench.Run(config, line => Console.WriteLine(line), ct);
                var path = await SyntheticBench.RecordAsync(rows, r.GetValue(artifacts)!);
                Console.WriteLine($"recorded: {path}");
                return 0;
            }
            catch (Exception e) when (Errors.IsUserFacing(e) || e is FormatException)
            {
                return Errors.Report(e, advice: WriteAdvice.Output);
            }
        });
        return new Command("bench", "Measure throughput on the current device and record the figures.") { synthetic, Data(artifacts), Train(artifacts), Parity(artifacts), Probes(artifacts), Query(artifacts) };
    }

    /// <summary>`pipeline bench parity`: a device's training path against the CPU's; exit 1 when they differ.</summary>
    static Command Parity(Option<string> artifacts)
    {
        var device = new Option<string>("--device", "-d") { Description = "The device to check: cuda | cuda:N | cpu | auto.", DefaultValueFactory = _ => "auto" };
        var steps = new Option<int>("--steps") { Description = "Training steps compared.", DefaultValueFactory = _ => 8 }.AtLeast(1);
        var accum = new Option<int>("--grad-accumulation") { Description = "Micro-batches per step (of 8 rows); 2 or more shares the bf16 weight casts.", DefaultValueFactory = _ => 2 }.AtLeast(1);
        var fused = new Option<bool>("--fused-elementwise") { Description = "Rotary and SwiGLU as TorchScript functions on the device (olmo.fused_elementwise)." };
        var tolerance = new Option<double?>("--tolerance") { Description = "The largest relative difference of a loss or gradient norm that still agrees, for both precisions (default: 1e-4 for fp32, 1e-2 for bf16); e.g. 2e-3 for a device whose float32 matmuls run in TF32." }.Finite();
        var cmd = new Command("parity", "Train a small OLMo model the same steps on the device (fp32 and bf16) and on the CPU (fp32) and compare losses, gradient norms and weights; exit 1 when the device's differ beyond rounding.")
        {
            device, steps, accum, fused, tolerance, artifacts,
        };
        cmd.SetAction(async (r, ct) =>
        {
            try
            {
                var config = new ParityBench.Config(OptionLists.Device(r.GetValue(device)!), r.GetValue(steps), r.GetValue(accum), r.GetValue(fused), r.GetValue(tolerance));
                if (ParityBench.Problem(config) is { } problem) throw new UsageException(problem);
                BenchFolder.Check(r.GetValue(artifacts)!);
                TorchLoading.Load();
                var rows = ParityBench.Run(config, Console.WriteLine, ct);
                Console.WriteLine($"recorded: {await ParityBench.RecordAsync(rows, r.GetValue(artifacts)!)}");
                if (!rows.All(row => row.Agrees)) return ExitCodes.Failed;
                // The first check on a new GPU server, often scripted as `bench parity && run ...`: a LibTorch without CUDA
                // would make auto compare the CPU with itself and pass. Only --device cpu asks for that on purpose.
                if (config.Device == "auto" && rows.All(row => row.Device == "cpu"))
                {
                    Console.Error.WriteLine("error: no GPU found: --device auto checked the CPU against itself (a self-check of the bf16 path, " +
                        "no device compared); give --device cpu to run that self-check on purpose, or see README 'GPU servers' for a LibTorch with CUDA");
                    return ExitCodes.Failed;
                }
                return ExitCodes.Ok;
            }
            catch (Exception e) when (Errors.IsUserFacing(e))
            {
                return Errors.Report(e, advice: WriteAdvice.Output);
            }
        });
        return cmd;
    }

    /// <summary>`pipeline bench query`: seconds per query against the number of runs in a sweep.</summary>
    static Command Query(Option<string> artifacts)
    {
        var runs = new Option<string>("--runs") { Description = "Sweep sizes to measure.", DefaultValueFactory = _ => "10,100,1000" };
        var template = new Option<string?>("--run") { Description = "A run directory to copy (default: a 2,000-step synthetic run trained now)." };
        var sql = new Option<string>("--sql") { Description = "The SQL each timed query runs.", DefaultValueFactory = _ => "SELECT count(*) FROM metrics" };
        var cmd = new Command("query", "Seconds per `pipeline query` against the number of runs (copies of one run), with the cached catalog.") { runs, template, sql, artifacts };
        cmd.SetAction(async (r, ct) =>
        {
            try
            {
                var sizes = OptionLists.Ints(r.GetValue(runs)!, "--runs", min: 1);
                if (QueryBench.SqlProblem(r.GetValue(sql)!) is { } badSql) throw new UsageException($"--sql {badSql}");
                var run = r.GetValue(template);
                if (run is not null && ProbeTarget.RunProblem(run, use: "give --run") is { } notRun) throw new UsageException($"--run {notRun}");
                BenchFolder.Check(r.GetValue(artifacts)!);
                // The default template is scratch, trained in a temporary folder of this bench's own (as its copies are) and
                // removed after: in one shared artifacts/bench/query-template, a second bench started beside the first was
                // refused as the sweep's writer (exit 1), and the scratch sweep stayed among the records.
                string? scratch = null;
                try
                {
                    if (run is null)
                    {
                        scratch = Directory.CreateTempSubdirectory("bench-query-template-").FullName;
                        var spec = Retention.Spec.SpecLoader.LoadText(
                            "name: template\nsynthetic: {tasks: 8, dims_per_task: 8, width: 8}\ntrain: {steps: 2000, log_every: 100}\n", "template.yaml");
                        var trained = await Retention.Pipeline.PipelineRunner.RunAsync(spec, scratch, Retention.Pipeline.SilentProgress.Instance, ct, analyze: false);
                        run = Retention.Artifacts.ArtifactLayout.RunDir(trained.SweepDir, trained.Runs[0].Run);
                    }
                    // A table or column the runs lack would fail the first timed query, exit 1, after the copies.
                    if (QueryBench.RunProblem(run, r.GetValue(sql)!) is { } unrunnable) throw new UsageException(unrunnable);
                    var rows = QueryBench.Run(run, sizes, r.GetValue(sql)!, Console.WriteLine, ct);
                    Console.WriteLine($"recorded: {await QueryBench.RecordAsync(rows, r.GetValue(artifacts)!)}");
                    return 0;
                }
                finally
                {
                    try { if (scratch is not null) Directory.Delete(scratch, recursive: true); }
                    catch (IOException) { /* a temporary folder left behind harms nothing */ }
                }
            }
            catch (Exception e) when (Errors.IsUserFacing(e) || e is FormatException)
            {
                return Errors.Report(e, advice: WriteAdvice.Output);
            }
        });
        return cmd;
    }

    /// <summary>`pipeline bench probes FILE`: the probes' time against the training steps' time, at the file's cadence.</summary>
    static Command Probes(Option<string> artifacts)
    {
        // Required: the embedded default (synthetic-capacity.yaml) has no probes: section to measure.
        var opts = new PipelineOptions("Pipeline YAML file with a probes: section, e.g. pipelines/olmo-representations.yaml.");
        var jobs = new Option<int>("--jobs", "-j") { Description = "Runs trained at once (as `run --jobs`; 0 = cores / threads on the CPU).", DefaultValueFactory = _ => 1 }.AtLeast(0);
        var threads = new Option<int>("--threads") { Description = "LibTorch CPU threads.", DefaultValueFactory = _ => 1 }.AtLeast(0);
        var cmd = new Command("probes", "Train a pipeline's runs with their probes and report each probe's time as a share of the training steps' time.");
        opts.AddTo(cmd);
        cmd.Options.Add(jobs);
        cmd.Options.Add(threads);
        cmd.Options.Add(artifacts);
        cmd.SetAction(async (r, ct) =>
        {
            try
            {
                int threadCount = r.GetValue(threads);
                TorchThreads.Apply(threadCount);
                var pipeline = opts.Load(r, checkAnalysis: false);
                if (pipeline.Spec.Probes is null) throw new UsageException($"{pipeline.SourceName} has no probes: section to measure");
                // A probes: section with no probe in it (every: alone, or each cleared with --set probes.das=) trained every run
                // and recorded "probes 0.0 s = 0.0% of it ()".
                if (pipeline.Spec.Probes is { Das: null, Fourier: null, Gradients: null, InjectionEval: null })
                    throw new UsageException($"{pipeline.SourceName} has no probe to measure: its probes: section turns on none of das, fourier, " +
                        "gradients and injection_eval (a subsection present is on, e.g. probes: {das: {}})");
                BenchFolder.Check(r.GetValue(artifacts)!);
                int parallel = r.GetValue(jobs) is > 0 and var n ? n
                    : Retention.Pipeline.ConcurrentJobs.Default(pipeline.Runs, threadCount, Environment.ProcessorCount);   // 0: as `run --jobs 0`
                var rows = await ProbeBench.RunAsync(pipeline, r.GetValue(artifacts)!, parallel, Console.WriteLine, ct);
                Console.WriteLine($"recorded: {await ProbeBench.RecordAsync(rows, r.GetValue(artifacts)!)}");
                return 0;
            }
            catch (Exception e) when (Errors.IsUserFacing(e))
            {
                return Errors.Report(e, advice: WriteAdvice.Output);
            }
        });
        return cmd;
    }

    /// <summary>`pipeline bench data`: tokens/s of the data stage on the Brown corpus (or given shards).</summary>
    static Command Data(Option<string> artifacts)
    {
        var paths = new Option<string[]>("--source") { Description = "Dolma shards (paths, globs, URLs). Default: the Brown corpus (fetched and cached)." };
        // One thread and every core; one core alone is "1" (as "1,1" the default was refused as a count given twice).
        var threads = new Option<string>("--threads")
        {
            Description = "Tokenizer thread counts to measure (default: 1 and the machine's cores).",
            DefaultValueFactory = _ => Environment.ProcessorCount > 1 ? $"1,{Environment.ProcessorCount}" : "1",
        };
        var seqLen = new Option<int>("--seq-len") { Description = "L: trained positions per packed row (rows hold L + 1 tokens), as data.packing.seq_len.", DefaultValueFactory = _ => 2048 }.AtLeast(4, "as data.packing.seq_len");
        var batch = new Option<int>("--batch-size") { Description = "B: rows per batch, as data.packing.batch_size.", DefaultValueFactory = _ => 8 }.AtLeast(1);
        var freq = new Option<double>("--task-frequency") { Description = "Injected modular-addition instances per token (0: none).", DefaultValueFactory = _ => 1e-3 }.Finite();
        var epochs = new Option<int>("--epochs") { Description = "Passes over the shards per measurement.", DefaultValueFactory = _ => 10 }.AtLeast(1);
        var repeats = new Option<int>("--repeats") { Description = "Measurements of the raw tokenizer and the stream per thread count, taken in turn; the median ratio is reported.", DefaultValueFactory = _ => 3 }.AtLeast(1);
        var parseAhead = new Option<int?>("--parse-ahead")
        {
            Description = "Lines the stream parses ahead of its reading thread on the thread pool (0: none, parsed as read). " +
                $"Default: none on 1-3 cores, else one per core up to 16 (here {Retention.Data.ShardSequence.DefaultParseAhead}).",
        };
        parseAhead.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int?>() is < 0) result.AddError("--parse-ahead must be 0 or more.");
        });
        var cmd = new Command("data", "Data stage tokens/s (decompress, parse, tokenize, pack, inject) per thread count against the raw tokenizer on the same threads, and of pre-tokenized files.")
        {
            paths, threads, seqLen, batch, freq, epochs, repeats, parseAhead, artifacts,
        };
        cmd.SetAction(async (r, ct) =>
        {
            try
            {
                var config = new DataBench.Config([], Directory.GetCurrentDirectory(), OptionLists.Ints(r.GetValue(threads)!, "--threads", min: 1),
                    r.GetValue(seqLen), r.GetValue(batch), r.GetValue(freq), r.GetValue(epochs), r.GetValue(repeats), r.GetValue(parseAhead));
                if (config.TaskFrequency != 0 && !Retention.Data.InjectionSchedule.IsAcceptedFrequency(config.TaskFrequency))
                    throw new UsageException($"--task-frequency must be 0 (no task) or in {Retention.Data.InjectionSchedule.AcceptedRange} " +
                        $"instances per token, as a task's frequency, got {config.TaskFrequency}");
                if (DataBench.FitProblem(config) is { } problem) throw new UsageException(problem);
                // Checked as the data commands check theirs (a usage error, exit 2), before the Brown corpus could be fetched.
                if (r.GetValue(paths) is { Length: > 0 } sources) DataInputs.CheckSources(sources, DataInputs.BenchFormatAdvice);
                BenchFolder.Check(r.GetValue(artifacts)!);
                config = config with { Paths = r.GetValue(paths) is { Length: > 0 } given ? given : await BrownShardsAsync(ct) };
                var rows = await DataBench.RunAsync(config, Console.WriteLine, ct, m => Console.Error.WriteLine($"warning: {m}"));
                // What the 4M model (6,963,200 parameters) consumes on an H100 (796 TFLOP/s bf16 measured, platform notes), in the
                // stream's tokens as the rates above count them, to two decimals as they are.
                foreach (var mfu in new[] { 0.1, 0.3 })
                    Console.WriteLine($"the 4M model at {mfu:P0} MFU on an H100 needs " +
                        $"{DataBench.RequiredTokensPerSecond(6_963_200, 796e12, mfu, config.SeqLen) / 1e6:F2} M tokens/s in rows of seq_len + 1 " +
                        $"(it trains on {config.SeqLen:N0} of each row's {config.SeqLen + 1:N0})");
                Console.WriteLine($"recorded: {await DataBench.RecordAsync(rows, r.GetValue(artifacts)!)}");
                return 0;
            }
            catch (Exception e) when (Errors.IsUserFacing(e) || e is FormatException || e is Retention.Data.DataException)
            {
                return Errors.Report(e, advice: WriteAdvice.Output);
            }
        });
        return cmd;
    }

    /// <summary>`pipeline bench train --model SIZE`: the OLMo trainer's throughput and MFU.</summary>
    static Command Train(Option<string> artifacts)
    {
        var model = new Option<string>("--model", "-m") { Description = "4M | 20M | 300M | 1B | 4B", DefaultValueFactory = _ => "4M" };
        var device = new Option<string>("--device", "-d") { Description = "cpu | cuda | cuda:N | auto", DefaultValueFactory = _ => "cpu" };
        var batch = new Option<int>("--batch-size") { Description = "Rows per step (split into --grad-accumulation micro-batches).", DefaultValueFactory = _ => 8 }.AtLeast(1);
        var seqLen = new Option<int>("--seq-len") { Description = "Tokens per row.", DefaultValueFactory = _ => 512 }.AtLeast(1);
        var steps = new Option<int>("--steps") { Description = "Timed steps (after 2 warm-up steps).", DefaultValueFactory = _ => 5 }.AtLeast(1);
        var vocab = new Option<int>("--vocab") { Description = "Vocabulary size of the model (at least 2; 50,304: the paper's padded GPT-2 vocabulary); the tokens are random ids.", DefaultValueFactory = _ => 50_304 }.AtLeast(2);
        var threads = new Option<int>("--threads") { Description = "LibTorch CPU threads (0 = one per core).", DefaultValueFactory = _ => 0 }.AtLeast(0);
        var precision = new Option<string>("--precision") { Description = "auto (bf16 on CUDA, fp32 on the CPU) | fp32 | bf16", DefaultValueFactory = _ => "auto" };
        var accum = new Option<int>("--grad-accumulation") { Description = "Micro-batches per step (the batch's rows split evenly).", DefaultValueFactory = _ => 1 }.AtLeast(1);
        var fused = new Option<bool>("--fused-elementwise") { Description = "Rotary and SwiGLU as TorchScript functions (olmo.fused_elementwise)." };
        var phases = new Option<int>("--phases")
        {
            Description = "Then this many more steps with the device synchronised after each phase (zero-grad, upload, forward, backward, norm and clip, update), printing the milliseconds each takes per step (a diagnostic: not in the figures).",
            DefaultValueFactory = _ => 0,
        }.AtLeast(0);
        var cmd = new Command("train", "OLMo trainer tokens/s, step time, peak memory and MFU (6·parameters·tokens/s over the measured matmul peak).")
        {
            model, device, batch, seqLen, steps, vocab, threads, precision, accum, fused, phases, artifacts,
        };
        cmd.SetAction(async (r, ct) =>
        {
            try
            {
                TorchThreads.Apply(r.GetValue(threads));
                var config = new TrainBench.Config(OptionLists.Device(r.GetValue(device)!), r.GetValue(model)!, r.GetValue(vocab),
                    r.GetValue(batch), r.GetValue(seqLen), r.GetValue(steps), r.GetValue(precision)!, r.GetValue(accum), r.GetValue(fused), r.GetValue(phases));
                // Before the matmul peak is timed (seconds to minutes): a batch that cannot be split would fail only after it.
                if (TrainBench.Problem(config) is { } problem) throw new UsageException(problem);
                BenchFolder.Check(r.GetValue(artifacts)!);
                var row = TrainBench.Run(config, Console.WriteLine, ct);
                Console.WriteLine($"recorded: {await TrainBench.RecordAsync(row, r.GetValue(artifacts)!)}");
                return 0;
            }
            catch (Exception e) when (Errors.IsUserFacing(e))
            {
                return Errors.Report(e, advice: WriteAdvice.Output);
            }
        });
        return cmd;
    }

    static async Task<string[]> BrownShardsAsync(CancellationToken ct)
    {
        var cache = Retention.Data.Corpus.BrownCorpus.DefaultCacheDir;
        var dir = Path.Combine(cache, "brown-shards");
        if (!Directory.Exists(dir) || Directory.GetFiles(dir, "*.json.gz").Length == 0)
            await Retention.Data.Corpus.BrownCorpus.WriteShardsAsync(await Retention.Data.Corpus.BrownCorpus.FetchAsync(cache, ct), dir, ct: ct);
        return [Path.Combine(dir, "*.json.gz")];
    }

    static int[] Widths(string? grid, string widths) =>
        grid is null ? OptionLists.Ints(widths, "--widths", min: 1)
        : SyntheticBench.Grids.TryGetValue(grid, out var w) ? w
        : SyntheticBench.Grids[OptionLists.OneOf(grid, "--grid", [.. SyntheticBench.Grids.Keys], "grid")];

    static readonly string[] Modes = ["single", "batched", "bucketed", "both"];
}
