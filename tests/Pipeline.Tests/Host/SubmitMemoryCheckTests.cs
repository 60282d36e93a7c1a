using Retention.Artifacts;
using Retention.Pipeline;
using Retention.Spec;
using Retention.Tests.Pipeline;

namespace Retention.Tests.Host;

/// <summary>
/// `submit` runs on the login node, and the runs train on the compute nodes: a CPU run's memory estimate was checked
/// against the login node's memory (refusing a sweep the job's nodes fit, and passing one its --mem does not). It is now
/// checked against what each task asks Slurm for (--mem), and not at all where the cluster decides (no --mem, or 0). The
/// small login node is this machine with the .NET heap limited (DOTNET_GCHeapHardLimit), which the estimate reads.
/// </summary>
public sealed class SubmitMemoryCheckTests() : InTempFolder("submit-memory-")
{
    static readonly TimeSpan Limit = TimeSpan.FromMinutes(2);

    // About 0.24 GiB: width 4 over D = 16 input dimensions at batch 1,000,000.
    const string Pipeline = "name: mem\nsynthetic: {tasks: 4, dims_per_task: 4, width: 4}\ntrain: {steps: 2, batch_size: 1000000, log_every: 1}\n";

    (int Exit, string Out, string Err) Submit(bool smallLoginNode, params string[] options) => Submit(Pipeline, smallLoginNode, options);

    (int Exit, string Out, string Err) Submit(string pipeline, bool smallLoginNode, params string[] options)
    {
        File.WriteAllText(Path.Combine(dir, "m.yaml"), pipeline);
        // Slurm as a stub: a dry run asks the scheduler whether an earlier array is queued, and submits nothing.
        var path = Cluster.FakeSlurm.Path(Path.Combine(dir, "fake-bin"), ("sbatch", "exit 1"), ("squeue", "exit 0"));
        var environment = new Dictionary<string, string?> { ["PATH"] = path };
        if (smallLoginNode) environment["DOTNET_GCHeapHardLimit"] = "0x8000000";   // 128 MiB
        return CliProcess.Run(dir, Limit, environment, ["submit", "m.yaml", "--slurm", "--dry-run", .. options]);
    }

    [Fact]
    public void A_login_node_smaller_than_the_runs_does_not_refuse_a_submission_whose_mem_fits_them()
    {
        // As `run` there would refuse it: this machine cannot train it.
        File.WriteAllText(Path.Combine(dir, "m.yaml"), Pipeline);
        var validate = CliProcess.Run(dir, Limit, new Dictionary<string, string?> { ["DOTNET_GCHeapHardLimit"] = "0x8000000" }, "validate", "m.yaml");
        Assert.Equal(2, validate.Exit);
        Assert.Contains("this machine has", validate.Err);

        var fits = Submit(smallLoginNode: true, "--mem", "1G");
        Assert.True(fits.Exit == 0, fits.Out + fits.Err);
        Assert.Contains("#SBATCH --mem=1G", fits.Out);
        var clusters = Submit(smallLoginNode: true);   // the cluster's default memory: not known here, not checked
        Assert.True(clusters.Exit == 0, clusters.Out + clusters.Err);
    }

    [Fact]
    public void A_mem_smaller_than_a_run_needs_is_refused_naming_it_whatever_the_login_node_has()
    {
        var refused = Submit(smallLoginNode: false, "--mem", "100M");
        Assert.True(refused.Exit == 2, refused.Out + refused.Err);
        Assert.Contains("train.batch_size: a run of width 4 over D = 16 input dimensions at batch 1000000 needs about 0.2 GiB; " +
                        "--mem 100M gives each task 0.1 GiB (give a larger --mem, or lower train.batch_size", refused.Err);
        Assert.DoesNotContain("this machine has", refused.Err);
        Assert.DoesNotContain("#SBATCH", refused.Out);
    }

    [Fact]
    public void A_task_that_trains_several_runs_at_once_is_checked_for_all_of_them()
    {
        // Five seeds of width 4 train as one task (one batched trainer): 5 × 0.24 GiB. Each run alone fits 1G; the task does not.
        var seeds = Pipeline + "sweep:\n  seed: [0, 1, 2, 3, 4]\n";
        var refused = Submit(seeds, smallLoginNode: false, "--mem", "1G");
        Assert.True(refused.Exit == 2, refused.Out + refused.Err);
        Assert.Contains("error: m.yaml: sweep: task 0 trains 5 runs at once (seed-0, seed-1, seed-2 and 2 more: one batched trainer, " +
                        "each run padded to width 4) and needs about 1.2 GiB, though one run alone needs 0.2 GiB; --mem 1G gives each task " +
                        "1 GiB (give a larger --mem, or lower train.batch_size", refused.Err);
        Assert.DoesNotContain("#SBATCH", refused.Out);

        var fits = Submit(seeds, smallLoginNode: false, "--mem", "2G");
        Assert.True(fits.Exit == 0, fits.Out + fits.Err);
        Assert.Contains("#SBATCH --mem=2G", fits.Out);

        // device: auto with no GPU asked for trains on the node's CPU, as one task of five (submit groups it so): checked the same
        // (it was not: only device: cpu tasks were). Given a GPU, its memory is the device's, not checked against --mem, as cuda's.
        var auto = seeds.Replace("width: 4}\n", "width: 4}\ndevice: auto\n");
        Assert.NotEqual(seeds, auto);
        var autoRefused = Submit(auto, smallLoginNode: false, "--mem", "1G", "--gpus-per-run", "0");
        Assert.True(autoRefused.Exit == 2, autoRefused.Out + autoRefused.Err);
        Assert.Contains("error: m.yaml: sweep: task 0 trains 5 runs at once (seed-0, seed-1, seed-2 and 2 more: one batched trainer, " +
                        "each run padded to width 4) and needs about 1.2 GiB on the node's CPU (device: auto, and no --gpus-per-run), though " +
                        "one run alone needs 0.2 GiB; --mem 1G gives each task 1 GiB (give a larger --mem", autoRefused.Err);
        var onGpu = Submit(auto, smallLoginNode: false, "--mem", "1G", "--gpus-per-run", "1");
        Assert.True(onGpu.Exit == 0, onGpu.Out + onGpu.Err);
        // One run alone, as a cpu run's: held to --mem where no GPU is asked for.
        var one = Pipeline.Replace("width: 4}\n", "width: 4}\ndevice: auto\n");
        var oneRefused = Submit(one, smallLoginNode: false, "--mem", "100M");
        Assert.True(oneRefused.Exit == 2, oneRefused.Out + oneRefused.Err);
        Assert.Contains("needs about 0.2 GiB on the node's CPU (device: auto, and no --gpus-per-run); --mem 100M gives each task 0.1 GiB", oneRefused.Err);
        Assert.True(Submit(one, smallLoginNode: false, "--mem", "100M", "--gpus-per-run", "1").Exit == 0);
    }

    [Fact]
    public void Sizes_under_a_tenth_of_a_GiB_are_said_in_MiB_not_as_0_GiB()
    {
        // Five seeds of about 2.4 MiB each (width 4 over D = 16 at batch 10,000) against --mem 10M: the message read "needs
        // about 0 GiB, though one run alone needs 0 GiB; --mem 10M gives each task 0 GiB", which said nothing of why.
        var small = Pipeline.Replace("batch_size: 1000000", "batch_size: 10000") + "sweep:\n  seed: [0, 1, 2, 3, 4]\n";
        var refused = Submit(small, smallLoginNode: false, "--mem", "10M");
        Assert.True(refused.Exit == 2, refused.Out + refused.Err);
        Assert.Contains("and needs about 12.2 MiB, though one run alone needs 2.4 MiB; --mem 10M gives each task 10 MiB (give a larger --mem",
            refused.Err);
        var tiny = Submit(small, smallLoginNode: false, "--mem", "1K");
        Assert.True(tiny.Exit == 2, tiny.Out + tiny.Err);
        Assert.Contains("--mem 1K gives each task 1 KiB", tiny.Err);
    }

    [Fact]
    public async Task A_run_too_large_for_mem_is_refused_first_for_what_a_larger_mem_would_not_mend()
    {
        // One run of 0.24 GiB against --mem 100M, which the load refuses; each submission below is refused anyway for something
        // a larger --mem would not mend, and says that alone, as `run` does. The old source said "needs about 0.2 GiB; --mem
        // 100M gives each task 0.1 GiB (give a larger --mem" (exit 2) each time, and the user who gave one met these next.
        var sweep = Path.Combine(dir, "artifacts", "mem");
        (int Exit, string Out, string Err) TooLarge(params string[] more) => Submit(smallLoginNode: false, ["--mem", "100M", .. more]);

        Directory.CreateDirectory(Path.Combine(dir, "artifacts"));
        File.WriteAllText(sweep, "not a folder");
        var inTheWay = TooLarge();
        Assert.True(inTheWay.Exit == 2, inTheWay.Out + inTheWay.Err);
        Assert.Equal($"error: --artifacts artifacts: '{sweep}' is a file where the sweep's folder goes: give another --artifacts, or move the file",
            inTheWay.Err.TrimEnd('\n'));
        File.Delete(sweep);

        var spaced = TooLarge("--artifacts", "my artifacts");
        Assert.True(spaced.Exit == 2, spaced.Out + spaced.Err);
        Assert.Contains($"error: the sweep directory '{Path.Combine(dir, "my artifacts", "mem")}' contains a space, which #SBATCH lines cannot carry", spaced.Err);
        Assert.DoesNotContain("needs about", spaced.Err);

        using (SweepLock.Acquire(sweep))   // a local `run` writing the sweep
        {
            var held = TooLarge();
            Assert.True(held.Exit == 1, held.Out + held.Err);
            Assert.Contains($"the sweep directory {sweep} is in use by another pipeline process (pid {Environment.ProcessId} ", held.Err);
            Assert.DoesNotContain("needs about", held.Err);
        }

        // Trained earlier at batch 1000: at batch 1,000,000 the run would continue under another spec.
        var earlier = SpecLoader.LoadText(Pipeline.Replace("batch_size: 1000000", "batch_size: 1000"), "m.yaml");
        await PipelineRunner.RunAsync(earlier, Path.Combine(dir, "artifacts"), SilentProgress.Instance, CancellationToken.None, analyze: false);
        var changed = TooLarge();
        Assert.True(changed.Exit == 2, changed.Out + changed.Err);
        Assert.Contains("would train them under another spec or on other data than they started with:\n  default: train.batch_size: ", changed.Err);
        Assert.DoesNotContain("needs about", changed.Err);

        // An earlier array still queued (squeue lists job 7 of a submission.json naming it).
        var queued = FakeSlurm(("sbatch", "exit 1"), ("squeue", "echo '7|7'"));
        var first = CliProcess.Run(dir, Limit, new Dictionary<string, string?> { ["PATH"] = FakeSlurm(("sbatch", "echo 7"), ("squeue", "exit 0")) },
            ["submit", "m.yaml", "--slurm", "--overwrite"]);
        Assert.True(first.Exit == 0, first.Out + first.Err);
        var live = CliProcess.Run(dir, Limit, new Dictionary<string, string?> { ["PATH"] = queued }, ["submit", "m.yaml", "--slurm", "--dry-run", "--mem", "100M"]);
        Assert.True(live.Exit == 1, live.Out + live.Err);
        Assert.Contains("still has job 7 of an earlier submission queued or running", live.Err);
        Assert.DoesNotContain("needs about", live.Err);

        // With none of them, the memory is said.
        var tooBig = TooLarge("--overwrite");
        Assert.True(tooBig.Exit == 2, tooBig.Out + tooBig.Err);
        Assert.Contains("needs about 0.2 GiB; --mem 100M gives each task 0.1 GiB (give a larger --mem", tooBig.Err);
    }

    [Fact]
    public void A_run_too_large_for_mem_is_refused_after_the_warnings_a_larger_mem_would_leave()
    {
        // GPUs asked for device: cpu runs, and an --analysis-time for a pipeline without an analysis: a larger --mem mends
        // neither, so they are said before the memory refusal, as before a plan. The old source said the refusal alone, and the
        // user who gave a larger --mem met them next.
        string[] options = ["--gpus-per-run", "1", "--analysis-time", "10:00"];
        const string Gpus = "warning: --gpus-per-run 1 asks Slurm for GPUs (--gres=gpu:1) but the runs use device cpu and will not use them";
        const string AnalysisTime = "note: --analysis-time 10:00 limits no job: the pipeline declares no analysis, so none is queued";
        var refused = Submit(smallLoginNode: false, ["--mem", "100M", .. options]);
        Assert.True(refused.Exit == 2, refused.Out + refused.Err);
        int error = refused.Err.IndexOf("error: m.yaml:", StringComparison.Ordinal);
        Assert.Contains("needs about 0.2 GiB; --mem 100M gives each task 0.1 GiB (give a larger --mem", refused.Err);
        Assert.InRange(refused.Err.IndexOf(Gpus, StringComparison.Ordinal), 0, error - 1);
        Assert.InRange(refused.Err.IndexOf(AnalysisTime, StringComparison.Ordinal), 0, error - 1);
        Assert.DoesNotContain("#SBATCH", refused.Out);

        // Given the --mem, the same, once each, and the tasks.
        var fits = Submit(smallLoginNode: false, ["--mem", "1G", .. options]);
        Assert.True(fits.Exit == 0, fits.Out + fits.Err);
        Assert.Single(fits.Err.Split('\n'), line => line.StartsWith(Gpus, StringComparison.Ordinal));
        Assert.Single(fits.Err.Split('\n'), line => line.StartsWith(AnalysisTime, StringComparison.Ordinal));
        Assert.Contains("#SBATCH --mem=1G", fits.Out);
    }

    [Fact]
    public async Task A_resubmission_is_not_refused_for_the_memory_of_a_run_completed_earlier()
    {
        // A run of about 1 GiB (batch 4,000,000) and one of 0.24 GiB against --mem 512M. The large one completed earlier (in
        // this process, which checks no memory: a larger --mem). A resubmission trains only the small one, which fits; the old
        // source refused it for the large one ("needs about 1 GiB; --mem 512M gives each task 0.5 GiB", exit 2).
        var sizes = Pipeline + "sweep:\n  train.batch_size: [1000000, 4000000]\n";
        var refused = Submit(sizes, smallLoginNode: false, "--mem", "512M");
        Assert.True(refused.Exit == 2, refused.Out + refused.Err);
        Assert.Contains("sweep.train.batch_size[1]: a run of width 4 over D = 16 input dimensions at batch 4000000 needs about 1 GiB; " +
                        "--mem 512M gives each task 0.5 GiB (give a larger --mem", refused.Err);

        await PipelineRunner.RunAsync(SpecLoader.LoadText(sizes, "m.yaml"), Path.Combine(dir, "artifacts"), SilentProgress.Instance,
            CancellationToken.None, analyze: false, only: ["batch_size-4000000"]);
        var resubmitted = Submit(sizes, smallLoginNode: false, "--mem", "512M");
        Assert.True(resubmitted.Exit == 0, resubmitted.Out + resubmitted.Err);
        Assert.Contains("# 1 task for 1 run (1 completed earlier, kept)", resubmitted.Out);
        Assert.Contains("# task 0: batch_size-1000000\n", resubmitted.Out);

        // --overwrite trains the large one again: refused for it, as before.
        var overwritten = Submit(sizes, smallLoginNode: false, "--mem", "512M", "--overwrite");
        Assert.True(overwritten.Exit == 2, overwritten.Out + overwritten.Err);
        Assert.Contains("at batch 4000000 needs about 1 GiB; --mem 512M gives each task 0.5 GiB", overwritten.Err);
    }

    string FakeSlurm(params (string Name, string Body)[] commands) =>
        Cluster.FakeSlurm.Path(Path.Combine(dir, $"bin-{Guid.NewGuid():N}"), commands);
}
