using Retention.Artifacts;
using Retention.Pipeline;
using Retention.Spec;
using Retention.Tests.Pipeline;

namespace Retention.Tests.Host;

/// <summary>
/// `run` and `validate` compared one run's memory estimate with this machine's, but a synthetic sweep trains in groups (one
/// batched trainer holds every seed, padded to its widest) and `run --jobs N` trains N groups at once: five seeds that each
/// fit passed, then needed five times as much. Now the largest group is checked (`validate` and `run`), and `run` also the
/// groups its --jobs trains together. The smaller machine is this one with the .NET heap limited (DOTNET_GCHeapHardLimit),
/// which the estimate reads.
/// </summary>
public sealed class RunMemoryCheckTests() : InTempFolder("run-memory-")
{
    static readonly TimeSpan Limit = TimeSpan.FromMinutes(3);

    // About 0.24 GiB a run: width 4 over D = 16 input dimensions at batch 1,000,000.
    const string Pipeline = "name: mem\nsynthetic: {tasks: 4, dims_per_task: 4, width: 4}\ntrain: {steps: 2, batch_size: 1000000, log_every: 1}\n";

    const string Lower = "lower train.batch_size, synthetic.width, or the input dimensions: synthetic.tasks × dims_per_task)";

    (int Exit, string Out, string Err) Cli(string heapLimit, string pipeline, params string[] args)
    {
        File.WriteAllText(Path.Combine(dir, "m.yaml"), pipeline);
        return CliProcess.Run(dir, Limit, new Dictionary<string, string?> { ["DOTNET_GCHeapHardLimit"] = heapLimit }, args);
    }

    [Fact]
    public void A_group_of_seeds_each_of_which_fits_is_refused_when_together_they_do_not()
    {
        const string HalfGiB = "0x20000000";
        var seeds = Pipeline + "sweep:\n  seed: [0, 1, 2, 3, 4]\n";
        string expected = "error: m.yaml: sweep: 5 runs train at once (seed-0, seed-1, seed-2 and 2 more: one batched trainer, each run " +
                          "padded to width 4) and need about 1.2 GiB, though one run alone needs 0.2 GiB; this machine has 0.5 GiB " +
                          "(sweep fewer seeds, or " + Lower;
        foreach (var args in new[] { ["validate", "m.yaml"], new[] { "run", "m.yaml", "--jobs", "1" } })
        {
            var refused = Cli(HalfGiB, seeds, args);
            Assert.True(refused.Exit == 2, string.Join(' ', args) + ": " + refused.Out + refused.Err);
            Assert.Contains(expected, refused.Err);
        }
        Assert.False(Directory.Exists(Path.Combine(dir, "artifacts")), "refused before anything was written");

        // Two of them (0.48 GiB) fit; one run alone was never refused.
        var two = Cli(HalfGiB, Pipeline + "sweep:\n  seed: [0, 1]\n", "validate", "m.yaml");
        Assert.True(two.Exit == 0, two.Out + two.Err);
    }

    [Fact]
    public void Jobs_that_train_more_groups_at_once_than_fit_are_refused_naming_the_jobs_that_fit()
    {
        const string ThreeEighthsGiB = "0x18000000";
        // Two learning rates: two groups of one run each (0.24 GiB). Either fits alone; both at once do not.
        var rates = Pipeline + "sweep:\n  train.lr: [0.001, 0.002]\n";
        var refused = Cli(ThreeEighthsGiB, rates, "run", "m.yaml", "--jobs", "2");
        Assert.True(refused.Exit == 2, refused.Out + refused.Err);
        Assert.Contains("error: m.yaml: sweep: --jobs 2 trains 2 groups at once, which need about 0.5 GiB together; the largest, " +
                        "run lr-0.001, needs about 0.2 GiB alone; this machine has 0.4 GiB (give --jobs 1, or " + Lower, refused.Err);
        Assert.False(Directory.Exists(Path.Combine(dir, "artifacts")), "refused before anything was written");

        // validate checks what every run holds (one group), which fits; so does the run with one job.
        var validated = Cli(ThreeEighthsGiB, rates, "validate", "m.yaml");
        Assert.True(validated.Exit == 0, validated.Out + validated.Err);
        var oneJob = Cli(ThreeEighthsGiB, rates, "run", "m.yaml", "--jobs", "1", "--no-analysis");
        Assert.True(oneJob.Exit == 0, oneJob.Out + oneJob.Err);
        Assert.Contains("[2/2 runs completed]", oneJob.Out + oneJob.Err);
    }

    [SkippableFact]
    public void An_auto_run_that_lands_on_the_cpu_is_checked_as_a_cpu_run_is()
    {
        Skip.If(TorchSharp.torch.cuda.is_available(), "auto picks the GPU here, whose memory is not this machine's");
        const string HalfGiB = "0x20000000";
        // About 1 GiB (batch 4,000,000): refused on `device: cpu`, and trained unchecked on `auto`, which picks the CPU here.
        var auto = Pipeline.Replace("name: mem\n", "name: mem\ndevice: auto\n");
        var one = Cli(HalfGiB, auto.Replace("batch_size: 1000000", "batch_size: 4000000"), "run", "m.yaml", "--no-analysis");
        Assert.True(one.Exit == 2, one.Out + one.Err);
        Assert.Contains("error: m.yaml:4:31: train.batch_size: a run of width 4 over D = 16 input dimensions at batch 4000000 needs " +
                        "about 1 GiB on the CPU (device: auto found no GPU here); this machine has 0.5 GiB (" + Lower, one.Err);

        // Five seeds of 0.24 GiB, each of which fits: their group does not.
        var seeds = Cli(HalfGiB, auto + "sweep:\n  seed: [0, 1, 2, 3, 4]\n", "run", "m.yaml", "--jobs", "1", "--no-analysis");
        Assert.True(seeds.Exit == 2, seeds.Out + seeds.Err);
        Assert.Contains("error: m.yaml: sweep: 5 runs train at once (seed-0, seed-1, seed-2 and 2 more: one batched trainer, each run " +
                        "padded to width 4) and need about 1.2 GiB on the CPU (device: auto found no GPU here), though one run alone " +
                        "needs 0.2 GiB; this machine has 0.5 GiB (sweep fewer seeds, or " + Lower, seeds.Err);
        Assert.False(Directory.Exists(Path.Combine(dir, "artifacts")), "refused before anything was written");

        // `validate` loads no LibTorch, so does not know what auto picks: not checked there (README).
        var validated = Cli(HalfGiB, auto + "sweep:\n  seed: [0, 1, 2, 3, 4]\n", "validate", "m.yaml");
        Assert.True(validated.Exit == 0, validated.Out + validated.Err);
    }

    [SkippableFact]
    public void A_sweep_with_runs_on_a_device_this_machine_lacks_is_refused_for_that_not_for_its_cpu_runs_memory()
    {
        Skip.If(TorchSharp.torch.cuda.is_available(), "this machine has the CUDA the sweep's cuda runs ask for");
        const string HalfGiB = "0x20000000";
        // Five seeds on the CPU (1.2 GiB together) and five on CUDA, which this machine lacks: it cannot train the sweep at all,
        // so it says that. The old source said "5 runs train at once ... (sweep fewer seeds", and fewer seeds met this refusal.
        var devices = Pipeline + "sweep:\n  seed: [0, 1, 2, 3, 4]\n  device: [cpu, cuda]\n";
        var refused = Cli(HalfGiB, devices, "run", "m.yaml", "--jobs", "1", "--no-analysis");
        Assert.True(refused.Exit == 2, refused.Out + refused.Err);
        Assert.Contains("error: device 'cuda' was asked for but CUDA is not available (TorchSharp loaded the CPU LibTorch; see README 'GPU servers')", refused.Err);
        Assert.DoesNotContain("train at once", refused.Err);
        Assert.False(Directory.Exists(Path.Combine(dir, "artifacts")), "refused before anything was written");

        // On the CPU alone the memory check still refuses them.
        var cpu = Cli(HalfGiB, devices, "run", "m.yaml", "--jobs", "1", "--no-analysis", "--set", "sweep.device=[cpu]");
        Assert.True(cpu.Exit == 2, cpu.Out + cpu.Err);
        Assert.Contains("error: m.yaml: sweep: 5 runs train at once (seed-0_device-cpu, seed-1_device-cpu", cpu.Err);
    }

    [Fact]
    public void A_fresh_run_of_a_sweep_another_process_holds_is_refused_for_that_not_for_memory()
    {
        const string HalfGiB = "0x20000000";
        // Five seeds (1.2 GiB together) do not fit, but the sweep, or one of its runs, is held by another process (this one,
        // as a local run or a cluster task would): the run is refused for that whatever the memory, and says so. The old
        // source said "5 runs train at once ... (sweep fewer seeds", and fewer seeds met the held folder.
        var seeds = Pipeline + "sweep:\n  seed: [0, 1, 2, 3, 4]\n";
        (int Exit, string Out, string Err) Run() => Cli(HalfGiB, seeds, "run", "m.yaml", "--jobs", "1", "--no-analysis");
        using (SweepLock.Acquire(Sweep))
        {
            var held = Run();
            Assert.True(held.Exit == 1, held.Out + held.Err);
            Assert.Contains($"error: the sweep directory {Path.Combine("artifacts", "mem")} is in use by another pipeline process (pid {Environment.ProcessId} ", held.Err);
            Assert.DoesNotContain("train at once", held.Err);
        }
        var seed2 = Path.Combine(Sweep, "runs", "seed-2");
        using (SweepLock.Acquire(seed2))
        {
            var runHeld = Run();
            Assert.True(runHeld.Exit == 1, runHeld.Out + runHeld.Err);
            Assert.Contains($"error: the run directory {Path.Combine("artifacts", "mem", "runs", "seed-2")} is in use by another pipeline process (pid {Environment.ProcessId} ", runHeld.Err);
            Assert.DoesNotContain("train at once", runHeld.Err);
        }

        // Held by none, the memory check refuses it, before anything is written.
        var tooBig = Run();
        Assert.True(tooBig.Exit == 2, tooBig.Out + tooBig.Err);
        Assert.Contains("error: m.yaml: sweep: 5 runs train at once (seed-0, seed-1, seed-2 and 2 more", tooBig.Err);
        Assert.False(File.Exists(Path.Combine(Sweep, "pipeline.yaml")), "refused before anything was written");
    }

    // One run alone too large: a synthetic batch of 4,000,000 (about 1 GiB) against 0.5 GiB, and an OLMo 4B model on the CPU.
    const string HalfGiBLimit = "0x20000000";
    static readonly string[] TooLargeAlone =
    [
        Pipeline.Replace("batch_size: 1000000", "batch_size: 4000000"),
        "name: mem\nexperiment: olmo\nolmo: {preset: 4B}\ndata:\n  sources: [{paths: ['http://example.org/shard.json.gz']}]\n" +
        "  packing: {seq_len: 32, batch_size: 4}\n",
    ];

    [SkippableFact]
    public void A_run_too_large_alone_with_a_run_on_a_device_this_machine_lacks_is_refused_for_the_device()
    {
        Skip.If(TorchSharp.torch.cuda.is_available(), "this machine has the CUDA the sweep's cuda run asks for");
        // Loading checks one run's memory, and said it before the device: "needs about 1 GiB ... (in run device-cpu)", though
        // a smaller run met the missing CUDA next. The old source said that (exit 2) for both files.
        foreach (var pipeline in TooLargeAlone)
        {
            var devices = pipeline + "sweep:\n  device: [cpu, cuda]\n";
            var refused = Cli(HalfGiBLimit, devices, "run", "m.yaml", "--no-analysis");
            Assert.True(refused.Exit == 2, refused.Out + refused.Err);
            Assert.Contains("error: device 'cuda' was asked for but CUDA is not available (TorchSharp loaded the CPU LibTorch; see README 'GPU servers')", refused.Err);
            Assert.DoesNotContain("needs about", refused.Err);
            Assert.False(Directory.Exists(Path.Combine(dir, "artifacts")), "refused before anything was written");

            // On the CPU alone the memory check still refuses it, naming the run's estimate.
            var cpu = Cli(HalfGiBLimit, devices, "run", "m.yaml", "--no-analysis", "--set", "sweep.device=[cpu]");
            Assert.True(cpu.Exit == 2, cpu.Out + cpu.Err);
            Assert.Contains("needs about", cpu.Err);
            Assert.Contains("; this machine has 0.5 GiB (", cpu.Err);
            // validate has no device to check: it says the memory, as it did.
            var validated = Cli(HalfGiBLimit, devices, "validate", "m.yaml");
            Assert.True(validated.Exit == 2, validated.Out + validated.Err);
            Assert.Contains("needs about", validated.Err);
            Assert.Contains("(in run device-cpu)", validated.Err);
        }
    }

    /// <summary>The analysis's warnings (here: a table mixing the swept widths) are said before a memory refusal, as before
    /// training when the runs fit: a smaller batch leaves them, and the old source said the refusal alone, so the user met them next.</summary>
    [Fact]
    public void A_run_too_large_alone_is_refused_after_the_analysis_warnings_a_smaller_run_would_leave()
    {
        var widths = TooLargeAlone[0] + "sweep:\n  synthetic.width: [4, 8]\nanalysis:\n  tables:\n    - name: t\n      sql: SELECT count(*) AS n FROM metrics\n";
        const string Warning = "warning: m.yaml: analysis table 't' (analysis.tables[0]) has no column 'width', although the sweep varies synthetic.width over 2 values";
        var refused = Cli(HalfGiBLimit, widths, "run", "m.yaml");
        Assert.True(refused.Exit == 2, refused.Out + refused.Err);
        int error = refused.Err.IndexOf("error: m.yaml:3:", StringComparison.Ordinal);
        Assert.Contains("needs about 1 GiB; this machine has 0.5 GiB (", refused.Err);
        Assert.InRange(refused.Err.IndexOf(Warning, StringComparison.Ordinal), 0, error - 1);
        Assert.Single(refused.Err.Split('\n'), line => line.StartsWith(Warning, StringComparison.Ordinal));
        Assert.False(Directory.Exists(Path.Combine(dir, "artifacts")), "refused before anything was written");
    }

    [Fact]
    public void A_run_too_large_alone_of_a_sweep_another_process_holds_is_refused_for_that()
    {
        // The held sweep (or its run's folder) refuses the run whatever its size; the old source said "needs about ..." first
        // (exit 2), and a smaller run met the held folder next.
        foreach (var pipeline in TooLargeAlone)
        {
            (int Exit, string Out, string Err) Run() => Cli(HalfGiBLimit, pipeline, "run", "m.yaml", "--no-analysis");
            using (SweepLock.Acquire(Sweep))
            {
                var held = Run();
                Assert.True(held.Exit == 1, held.Out + held.Err);
                Assert.Contains($"error: the sweep directory {Path.Combine("artifacts", "mem")} is in use by another pipeline process (pid {Environment.ProcessId} ", held.Err);
                Assert.DoesNotContain("needs about", held.Err);
            }
            using (SweepLock.Acquire(Path.Combine(Sweep, "runs", "default")))
            {
                var runHeld = Run();
                Assert.True(runHeld.Exit == 1, runHeld.Out + runHeld.Err);
                Assert.Contains($"error: the run directory {Path.Combine("artifacts", "mem", "runs", "default")} is in use by another pipeline process (pid {Environment.ProcessId} ", runHeld.Err);
                Assert.DoesNotContain("needs about", runHeld.Err);
            }

            // Held by none, the memory check refuses it, before anything is written.
            var tooBig = Run();
            Assert.True(tooBig.Exit == 2, tooBig.Out + tooBig.Err);
            Assert.Contains("needs about", tooBig.Err);
            Assert.Contains("; this machine has 0.5 GiB (", tooBig.Err);
            Assert.False(File.Exists(Path.Combine(Sweep, "pipeline.yaml")), "refused before anything was written");
        }
    }

    [Fact]
    public void A_run_too_large_alone_is_read_once_so_a_pipeline_from_a_pipe_is_refused_for_the_held_sweep()
    {
        // `run <(...)`: the file can be read once. A run refused for its memory was loaded again without the check, to ask the
        // device and the held sweep: that second read found the pipe empty, and the old source said the memory error (exit 2)
        // where the sweep held by this process refuses it whatever its size. Now the one load shows the pipeline to them.
        File.WriteAllText(Path.Combine(dir, "m.yaml"), TooLargeAlone[0]);
        var environment = new Dictionary<string, string?> { ["DOTNET_GCHeapHardLimit"] = HalfGiBLimit };
        (int Exit, string Out, string Err) Run()
        {
            using var p = CliProcess.StartProgram(dir, environment, "bash", "-c", $"{CliProcess.CommandLine} run <(cat m.yaml) --no-analysis");
            return p.WaitForExit(Limit);
        }
        using (SweepLock.Acquire(Sweep))
        {
            var held = Run();
            Assert.True(held.Exit == 1, held.Out + held.Err);
            Assert.Contains($"error: the sweep directory {Path.Combine("artifacts", "mem")} is in use by another pipeline process (pid {Environment.ProcessId} ", held.Err);
            Assert.DoesNotContain("needs about", held.Err);
        }
        // Held by none, the memory error is said, at the pipe's line and column.
        var tooBig = Run();
        Assert.True(tooBig.Exit == 2, tooBig.Out + tooBig.Err);
        Assert.Matches(@"error: /dev/fd/\d+:3:31: train.batch_size: .* needs about 1 GiB; this machine has 0.5 GiB", tooBig.Err);
    }

    [Fact]
    public void A_run_too_large_alone_whose_folder_a_file_is_in_the_way_of_is_refused_for_the_file_as_a_group_is()
    {
        // A file where the sweep's folder goes refuses the run whatever its size: a sweep whose seeds do not fit together was
        // told that (the group is checked after the folder), but a run too large alone was told its memory, and a smaller
        // run met the file next. The old source said "needs about 1 GiB" (exit 2) here.
        Directory.CreateDirectory(Path.Combine(dir, "artifacts"));
        File.WriteAllText(Sweep, "not a folder");
        var inTheWay = $"error: --artifacts artifacts: '{Sweep}' is a file where the sweep's folder goes: give another --artifacts, or move the file";
        foreach (var pipeline in new[] { TooLargeAlone[0], Pipeline + "sweep:\n  seed: [0, 1, 2, 3, 4]\n" })
        {
            var refused = Cli(HalfGiBLimit, pipeline, "run", "m.yaml", "--no-analysis", "--jobs", "1");
            Assert.True(refused.Exit == 2, refused.Out + refused.Err);
            Assert.Equal(inTheWay, refused.Err.TrimEnd('\n'));
        }
        // With the file moved, the memory error is said.
        File.Delete(Sweep);
        var tooBig = Cli(HalfGiBLimit, TooLargeAlone[0], "run", "m.yaml", "--no-analysis");
        Assert.True(tooBig.Exit == 2, tooBig.Out + tooBig.Err);
        Assert.Contains("needs about 1 GiB; this machine has 0.5 GiB (", tooBig.Err);
        Assert.False(Directory.Exists(Sweep), "refused before anything was written");
    }

    string Sweep => Path.Combine(dir, "artifacts", "mem");

    /// <summary>Trains these runs of the sweep in this process (which checks no memory), as one Slurm task would: one group.</summary>
    /// <summary>Widths 4 and 8 trained as one group and stopped at step 2, their checkpoint (0.48 GiB to continue) in width-4's
    /// folder; returns the pipeline that trained them. 80 steps: stopped at step 2 and still mid-run however far the trainer ran
    /// ahead of the writer that reports steps.</summary>
    async Task<string> SavedPairAsync()
    {
        var widths = Pipeline.Replace("steps: 2", "steps: 80") + "sweep:\n  synthetic.width: [4, 8]\n";
        using (var stop = new CancellationTokenSource())
            await TrainHere(widths, ["width-4", "width-8"], new StopAt(2, stop), stop.Token);
        Assert.True(SavedCheckpoint.Step(Path.Combine(Sweep, "runs", "width-4")) > 0, "the pair's checkpoint: " + File.ReadAllText(Path.Combine(Sweep, "runs", "width-4", "status.json")));
        return widths;
    }

    async Task TrainHere(string pipeline, string[] runs, IRunProgress progress, CancellationToken stop) =>
        await PipelineRunner.RunAsync(SpecLoader.LoadText(pipeline, "m.yaml"), Path.Combine(dir, "artifacts"), progress, stop,
            analyze: false, only: runs);

    [Fact]
    public async Task A_resume_is_checked_for_the_runs_it_trains_not_those_completed_earlier()
    {
        const string HalfGiB = "0x20000000";
        var seeds = Pipeline + "sweep:\n  seed: [0, 1, 2, 3, 4]\n";
        await TrainHere(seeds, ["seed-0"], SilentProgress.Instance, CancellationToken.None);
        // Four left (0.96 GiB) do not fit: refused, naming them.
        var refused = Cli(HalfGiB, seeds, "run", "m.yaml", "--resume", "--jobs", "1", "--no-analysis");
        Assert.True(refused.Exit == 2, refused.Out + refused.Err);
        Assert.Contains("error: m.yaml: sweep: 4 runs train at once (seed-1, seed-2, seed-3 and 1 more: one batched trainer, each run " +
                        "padded to width 4) and need about 1 GiB, though one run alone needs 0.2 GiB; this machine has 0.5 GiB", refused.Err);

        // Two left (0.48 GiB) fit, though the whole sweep (1.2 GiB) does not.
        await TrainHere(seeds, ["seed-1", "seed-2"], SilentProgress.Instance, CancellationToken.None);
        var resumed = Cli(HalfGiB, seeds, "run", "m.yaml", "--resume", "--jobs", "1", "--no-analysis");
        Assert.True(resumed.Exit == 0, resumed.Out + resumed.Err);
        Assert.Contains("seed-0: completed earlier, skipped (--resume)", resumed.Out + resumed.Err);
        Assert.Equal(5, Directory.GetDirectories(Path.Combine(Sweep, "runs"))
            .Count(d => PipelineRunner.ReadStatus(d) is { State: "completed" }));
    }

    [Fact]
    public async Task A_resume_does_not_count_a_completed_run_it_adopts_from_a_renamed_folder()
    {
        const string ThreeEighthsGiB = "0x18000000";
        // Trained as one run (default); the sweep then gains seeds 0 and 1: default continues as seed-0, completed, and only
        // seed-1 (0.24 GiB) trains, which fits. Counted as to train, seed-0 made a group of two (0.48 GiB), refused.
        await TrainHere(Pipeline, ["default"], SilentProgress.Instance, CancellationToken.None);
        var resumed = Cli(ThreeEighthsGiB, Pipeline, "run", "m.yaml", "--resume", "--jobs", "1", "--no-analysis", "--set", "sweep.seed=[0,1]");
        Assert.True(resumed.Exit == 0, resumed.Out + resumed.Err);
        Assert.Contains("default continues as seed-0", resumed.Out);
        Assert.Contains("seed-0: completed earlier, skipped (--resume)", resumed.Out + resumed.Err);
        Assert.Contains("[2/2 runs completed]", resumed.Out + resumed.Err);
    }

    [Fact]
    public async Task A_resume_with_an_unreadable_status_is_refused_for_that_file_not_for_memory()
    {
        const string ThreeEighthsGiB = "0x18000000";
        var seeds = Pipeline + "sweep:\n  seed: [0, 1, 2]\n";
        await TrainHere(seeds, ["seed-0", "seed-2"], SilentProgress.Instance, CancellationToken.None);
        // seed-0 completed, its status.json since damaged: the resume refuses the sweep for it, before anything trains.
        // Counted as to train beside seed-1 (0.48 GiB together), it was refused for memory instead, and fewer seeds were advised.
        File.WriteAllText(Path.Combine(Sweep, "runs", "seed-0", "status.json"), "{broken");
        var refused = Cli(ThreeEighthsGiB, seeds, "run", "m.yaml", "--resume", "--jobs", "1", "--no-analysis");
        Assert.True(refused.Exit == 2, refused.Out + refused.Err);
        Assert.Contains($"error: {Path.Combine("artifacts", "mem", "runs", "seed-0", "status.json")}: not a readable run status", refused.Err);
        Assert.DoesNotContain("train at once", refused.Err);
        Assert.False(File.Exists(Path.Combine(Sweep, "runs", "seed-1", "status.json")), "nothing trained");
    }

    /// <summary>A resume under a changed spec, then one with seed-0's first table lost (put back after): each refused for that
    /// (exit 2), without the memory error (<paramref name="memoryWords"/>) that more memory or fewer runs would mend.</summary>
    void RefusedForChangedSpecThenLostTable(Func<string[], (int Exit, string Out, string Err)> resume, string memoryWords)
    {
        var changed = resume(["--set", "train.lr=0.002"]);
        Assert.True(changed.Exit == 2, changed.Out + changed.Err);
        Assert.Contains($"error: continuing runs of {Path.Combine("artifacts", "mem")} would train them under another spec or on other data " +
                        "than they started with:\n  seed-0: train.lr: ", changed.Err);
        Assert.DoesNotContain(memoryWords, changed.Err);

        var seed0 = Path.Combine(Sweep, "runs", "seed-0");
        var table = PipelineRunner.ReadStatus(seed0)!.Tables![0];
        var tableFile = Path.Combine(seed0, table + ".arrow");
        var kept = File.ReadAllBytes(tableFile);
        File.Delete(tableFile);
        var lost = resume([]);
        Assert.True(lost.Exit == 2, lost.Out + lost.Err);
        Assert.Contains($"1 completed run of {Path.Combine("artifacts", "mem")} no longer has every table it wrote, and --resume would " +
                        $"keep it as it is, so the analysis would leave its rows out without saying so: seed-0 ({table}.arrow is missing)", lost.Err);
        Assert.DoesNotContain(memoryWords, lost.Err);
        File.WriteAllBytes(tableFile, kept);
    }

    [Fact]
    public async Task A_resume_refused_anyway_says_why_instead_of_advising_fewer_seeds()
    {
        const string HalfGiB = "0x20000000";
        var seeds = Pipeline + "sweep:\n  seed: [0, 1, 2, 3, 4]\n";
        await TrainHere(seeds, ["seed-0"], SilentProgress.Instance, CancellationToken.None);
        // Four left (0.96 GiB) do not fit, but each resume below is refused for something fewer seeds would not mend: it says
        // that, and no memory. The old source said "4 runs train at once ... (sweep fewer seeds" each time.
        (int Exit, string Out, string Err) Resume(params string[] more) =>
            Cli(HalfGiB, seeds, ["run", "m.yaml", "--resume", "--jobs", "1", "--no-analysis", .. more]);

        RefusedForChangedSpecThenLostTable(more => Resume(more), memoryWords: "train at once");

        using (SweepLock.Acquire(Sweep))
        {
            var held = Resume();
            Assert.True(held.Exit != 0, held.Out + held.Err);
            Assert.Contains($"the sweep directory {Path.Combine("artifacts", "mem")} is in use by another pipeline process (pid {Environment.ProcessId} ", held.Err);
            Assert.DoesNotContain("train at once", held.Err);
        }

        // With none of them, the memory check still refuses it, before anything trains.
        var tooBig = Resume();
        Assert.True(tooBig.Exit == 2, tooBig.Out + tooBig.Err);
        Assert.Contains("error: m.yaml: sweep: 4 runs train at once (seed-1, seed-2, seed-3 and 1 more", tooBig.Err);
        Assert.False(File.Exists(Path.Combine(Sweep, "runs", "seed-1", "status.json")), "nothing trained");
    }

    [Fact]
    public async Task A_resume_of_runs_too_large_alone_refused_anyway_says_why_instead_of_their_memory()
    {
        // Two seeds of about 1 GiB each against 0.5 GiB: loading refuses each run alone. seed-0 trained earlier (in this process,
        // which checks no memory). Each resume below is refused for something a smaller run would not mend, as a group's is
        // (A_resume_refused_anyway_says_why_instead_of_advising_fewer_seeds); the old source said "needs about 1 GiB" each time.
        var seeds = TooLargeAlone[0] + "sweep:\n  seed: [0, 1]\n";
        await TrainHere(seeds, ["seed-0"], SilentProgress.Instance, CancellationToken.None);
        (int Exit, string Out, string Err) Resume(params string[] more) =>
            Cli(HalfGiBLimit, seeds, ["run", "m.yaml", "--resume", "--no-analysis", .. more]);

        RefusedForChangedSpecThenLostTable(more => Resume(more), memoryWords: "needs about");

        // With neither, the memory is said, before anything trains: of seed-1 alone, the run it would train (seed-0 completed).
        var tooBig = Resume();
        Assert.True(tooBig.Exit == 2, tooBig.Out + tooBig.Err);
        Assert.Contains("needs about 1 GiB; this machine has 0.5 GiB (", tooBig.Err);
        Assert.Contains("(in run seed-1)", tooBig.Err);
        Assert.False(File.Exists(Path.Combine(Sweep, "runs", "seed-1", "status.json")), "nothing trained");
    }

    [Fact]
    public async Task A_resume_is_not_refused_for_the_memory_of_a_run_it_skips_as_completed()
    {
        // A run of about 1 GiB (batch 4,000,000) and one of 0.24 GiB against 0.5 GiB. The large one trained earlier (in this
        // process, which checks no memory: a machine with more). The resume trains only the small one, which fits; the old
        // source refused it for the large one's memory ("needs about 1 GiB", exit 2), so the sweep could never be finished.
        var sizes = Pipeline + "sweep:\n  train.batch_size: [1000000, 4000000]\n";
        (int Exit, string Out, string Err) Resume() => Cli(HalfGiBLimit, sizes, "run", "m.yaml", "--resume", "--no-analysis");

        // Not yet trained, the large run is refused for its memory, at its value in the sweep, before anything is written.
        var refused = Resume();
        Assert.True(refused.Exit == 2, refused.Out + refused.Err);
        Assert.Contains("error: m.yaml:5:31: sweep.train.batch_size[1]: a run of width 4 over D = 16 input dimensions at batch 4000000 " +
                        "needs about 1 GiB; this machine has 0.5 GiB (" + Lower, refused.Err);
        Assert.False(Directory.Exists(Path.Combine(dir, "artifacts")), "refused before anything was written");

        await TrainHere(sizes, ["batch_size-4000000"], SilentProgress.Instance, CancellationToken.None);
        var resumed = Resume();
        Assert.True(resumed.Exit == 0, resumed.Out + resumed.Err);
        Assert.Contains("batch_size-4000000: completed earlier, skipped (--resume)", resumed.Out + resumed.Err);
        Assert.DoesNotContain("needs about", resumed.Err);
        Assert.Equal("completed", PipelineRunner.ReadStatus(Path.Combine(Sweep, "runs", "batch_size-1000000"))?.State);
    }

    [Fact]
    public async Task A_resume_refused_for_other_errors_does_not_list_the_memory_of_a_run_it_skips_as_completed()
    {
        // Two runs of about 1 GiB against 0.5 GiB; batch_size-4000000 trained earlier (in this process, a machine with more).
        // The file then gains a duplicate key and an analysis SQL that does not bind. Refused for those, the resume listed the
        // completed run's memory too ("at batch 4000000 needs about 1 GiB"), though it would skip it, as it does where memory
        // is all that is wrong; the run it trains is still said.
        var sizes = Pipeline + "sweep:\n  train.batch_size: [4000000, 4000001]\n";
        await TrainHere(sizes, ["batch_size-4000000"], SilentProgress.Instance, CancellationToken.None);
        var broken = sizes.Replace("log_every: 1}", "log_every: 1, log_every: 1}") +
                     "analysis:\n  tables:\n    - name: t\n      sql: SELECT nosuch FROM metrics\n";
        var refused = Cli(HalfGiBLimit, broken, "run", "m.yaml", "--resume");
        Assert.True(refused.Exit == 2, refused.Out + refused.Err);
        var said = refused.Err.Split('\n').Where(l => l.StartsWith("error: ", StringComparison.Ordinal)).ToList();
        Assert.Equal(3, said.Count);
        Assert.StartsWith("error: m.yaml:3:54: train: duplicate key 'log_every'", said[0]);
        Assert.Equal("error: m.yaml:5:31: sweep.train.batch_size[1]: a run of width 4 over D = 16 input dimensions at batch 4000001 " +
                     "needs about 1 GiB; this machine has 0.5 GiB (" + Lower, said[1]);
        Assert.StartsWith("error: m.yaml:9:19: analysis.tables[0].sql: Binder Error: Referenced column \"nosuch\" not found", said[2]);
        Assert.DoesNotContain("at batch 4000000 ", refused.Err);

        // With the duplicate key alone, as with memory alone, only the run it trains is said.
        var duplicate = Cli(HalfGiBLimit, sizes.Replace("log_every: 1}", "log_every: 1, log_every: 1}"), "run", "m.yaml", "--resume");
        Assert.True(duplicate.Exit == 2, duplicate.Out + duplicate.Err);
        Assert.Contains("at batch 4000001 needs about 1 GiB", duplicate.Err);
        Assert.DoesNotContain("at batch 4000000 ", duplicate.Err);
        Assert.Equal("completed", PipelineRunner.ReadStatus(Path.Combine(Sweep, "runs", "batch_size-4000000"))?.State);
        Assert.False(Directory.Exists(Path.Combine(Sweep, "runs", "batch_size-4000001")), "nothing trained");
    }

    [Fact]
    public async Task A_resume_counts_a_checkpoints_runs_as_the_one_group_they_were_saved_in()
    {
        const string ThreeEighthsGiB = "0x18000000";
        // At this batch widths 4 and 8 train apart (0.24 GiB each, which fits), but one task trained them as one group and
        // was stopped: the resume continues them together from that group's checkpoint (0.48 GiB).
        // 80 steps: stopped at step 2 and still mid-run however far the trainer ran ahead of the writer that reports steps
        // (its queue of 64, the train stage's 8 and the feed's: 50 steps could complete first on a loaded machine).
        var widths = await SavedPairAsync();
        var statusBefore = File.ReadAllText(Path.Combine(Sweep, "runs", "width-4", "status.json"));

        var refused = Cli(ThreeEighthsGiB, widths, "run", "m.yaml", "--resume", "--jobs", "1");
        Assert.True(refused.Exit == 2, refused.Out + refused.Err);
        Assert.Contains("error: m.yaml: sweep: 2 runs train at once (width-4, width-8: one batched trainer, each run padded to width 8) " +
                        "and need about 0.5 GiB, though one run alone needs 0.2 GiB; this machine has 0.4 GiB (they continue together " +
                        "from the checkpoint they were saved in, whatever --jobs: resume on a machine with more memory, or run without " +
                        "--resume to train the sweep afresh in groups that fit)", refused.Err);
        Assert.False(File.Exists(Path.Combine(Sweep, "pipeline.yaml")), "refused before anything was written");
        Assert.Equal(statusBefore, File.ReadAllText(Path.Combine(Sweep, "runs", "width-4", "status.json")));

        // Afresh, they train apart, one at a time, which fits.
        var validated = Cli(ThreeEighthsGiB, widths, "validate", "m.yaml");
        Assert.True(validated.Exit == 0, validated.Out + validated.Err);
    }

    [Fact]
    public async Task A_resume_counts_the_group_saved_in_a_run_folder_renamed_since_as_the_one_group_it_continues_in()
    {
        const string ThreeEighthsGiB = "0x18000000";
        // As above, widths 4 and 8 saved as one group (0.48 GiB), their checkpoint in width-4's folder; then that folder is
        // renamed (w4): the resume moves it back to width-4 (the same spec) and continues the pair from that checkpoint. The
        // memory check looked for the checkpoint in runs/width-4 only, found none, and counted the two apart (0.24 GiB
        // each, which fit): the resume was admitted to train 0.48 GiB on a 0.375 GiB machine.
        var widths = await SavedPairAsync();
        Directory.Move(Path.Combine(Sweep, "runs", "width-4"), Path.Combine(Sweep, "runs", "w4"));

        var refused = Cli(ThreeEighthsGiB, widths, "run", "m.yaml", "--resume", "--jobs", "1");
        Assert.True(refused.Exit == 2, refused.Out + refused.Err);
        Assert.Contains("error: m.yaml: sweep: 2 runs train at once (width-4, width-8: one batched trainer, each run padded to width 8) " +
                        "and need about 0.5 GiB, though one run alone needs 0.2 GiB; this machine has 0.4 GiB (they continue together " +
                        "from the checkpoint they were saved in, whatever --jobs: resume on a machine with more memory, or run without " +
                        "--resume to train the sweep afresh in groups that fit)", refused.Err);
        Assert.True(Directory.Exists(Path.Combine(Sweep, "runs", "w4")), "refused before anything was moved");
        Assert.False(Directory.Exists(Path.Combine(Sweep, "runs", "width-4")));
    }

    [Fact]
    public async Task A_resume_counts_the_group_of_runs_it_adopts_under_new_ids_as_the_one_group_it_continues_in()
    {
        const string ThreeEighthsGiB = "0x18000000";
        // Widths 4 and 8 saved as one group; the sweep then gains a seed key: width-4 and width-8 continue as width-4_seed-0
        // and width-8_seed-0, their checkpoint's runs renamed so, and the pair continues from it (0.48 GiB). The check read the
        // checkpoint under the new ids' folders, not yet there, and counted the two apart (0.24 GiB each), admitting it.
        var widths = await SavedPairAsync();

        var refused = Cli(ThreeEighthsGiB, widths, "run", "m.yaml", "--resume", "--jobs", "1", "--set", "sweep.seed=[0]");
        Assert.True(refused.Exit == 2, refused.Out + refused.Err);
        Assert.Contains("error: m.yaml: sweep: 2 runs train at once (width-4_seed-0, width-8_seed-0: one batched trainer, each run padded " +
                        "to width 8) and need about 0.5 GiB, though one run alone needs 0.2 GiB; this machine has 0.4 GiB (they continue " +
                        "together from the checkpoint they were saved in, whatever --jobs: ", refused.Err);
        Assert.True(Directory.Exists(Path.Combine(Sweep, "runs", "width-4")), "refused before anything was moved");
    }
}
