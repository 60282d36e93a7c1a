using System.Text.Json;
using Retention.Tests.Host;

namespace Retention.Tests.Cluster;

/// <summary>
/// `pipeline submit --slurm` when the scheduler is missing or refuses, through the CLI with stand-in
/// Slurm commands on the PATH (no cluster needed): a refused submission leaves nothing behind, and
/// `--overwrite` does not delete earlier results unless the array was accepted.
/// </summary>
public sealed class SubmitFailureTests() : InTempFolder("submit-fail-")
{
    static readonly TimeSpan Limit = TimeSpan.FromMinutes(3);

    string Sweep => Path.Combine(dir, "artifacts", "syn");

    void WritePipeline() => File.WriteAllText(Path.Combine(dir, "syn.yaml"), string.Join('\n',
        "name: syn", "synthetic: {tasks: 4, dims_per_task: 2, width: 2}",
        "train: {steps: 200, batch_size: 8, log_every: 100}",
        "sweep: {train.lr: [0.003, 0.001]}",
        "analysis: {tables: [{name: final, sql: 'SELECT run, max(step) AS steps FROM metrics GROUP BY run'}]}") + "\n");

    /// <summary>The PATH of stand-in Slurm commands: sbatch runs <paramref name="sbatch"/> (bash), squeue lists nothing.</summary>
    string FakeSlurmPath(string sbatch) =>
        FakeSlurm.Path(Path.Combine(dir, "fake-bin"), ("sbatch", sbatch), ("squeue", "exit 0"));

    (int Exit, string Out, string Err) Submit(string path, params string[] extra) =>
        CliProcess.Run(dir, Limit, new Dictionary<string, string?> { ["PATH"] = path }, ["submit", "syn.yaml", "--slurm", .. extra]);

    static Dictionary<string, DateTime> Files(string folder) =>
        Directory.GetFiles(folder, "*", SearchOption.AllDirectories).ToDictionary(f => f, File.GetLastWriteTimeUtc);

    [Fact]
    public void Without_sbatch_on_the_path_it_says_what_to_install_and_creates_nothing()
    {
        WritePipeline();
        var empty = Directory.CreateDirectory(Path.Combine(dir, "empty-bin")).FullName;
        var (exit, output, err) = Submit(empty);
        Assert.Equal(1, exit);
        Assert.Contains("sbatch is not installed here", err);
        Assert.Contains("slurm-client", err);
        Assert.False(Directory.Exists(Path.Combine(dir, "artifacts")), output + err);
    }

    [Fact]
    public void A_refused_first_submission_leaves_no_sweep_directory()
    {
        WritePipeline();
        var path = FakeSlurmPath("echo 'sbatch: error: Batch job submission failed: Invalid partition name specified' >&2; exit 1");
        var (exit, output, err) = Submit(path, "--partition", "nope");
        Assert.Equal(1, exit);
        Assert.Contains("Invalid partition name specified", err);
        Assert.False(Directory.Exists(Sweep), output + err);
        Assert.False(Directory.Exists(Path.Combine(dir, "artifacts")), output + err);   // the --artifacts root it created, too
    }

    [Fact]
    public void A_refused_first_submission_removes_only_the_folders_it_created()
    {
        WritePipeline();
        var path = FakeSlurmPath("echo 'sbatch: error: Batch job submission failed: Invalid account' >&2; exit 1");
        // A root two levels deep, neither there: both go.
        var nested = Submit(path, "--artifacts", "new/deeper");
        Assert.Equal(1, nested.Exit);
        Assert.Contains("Invalid account", nested.Err);
        Assert.False(Directory.Exists(Path.Combine(dir, "new")), nested.Out + nested.Err);

        // A root that was there, holding another sweep and an empty folder of the user's: all kept, only syn/ goes.
        var other = Path.Combine(dir, "kept", "other", "runs", "r");
        Directory.CreateDirectory(other);
        File.WriteAllText(Path.Combine(other, "status.json"), "{}");
        Directory.CreateDirectory(Path.Combine(dir, "kept", "empty"));
        var existing = Submit(path, "--artifacts", "kept");
        Assert.Equal(1, existing.Exit);
        Assert.False(Directory.Exists(Path.Combine(dir, "kept", "syn")), existing.Out + existing.Err);
        Assert.Equal("{}", File.ReadAllText(Path.Combine(other, "status.json")));
        Assert.True(Directory.Exists(Path.Combine(dir, "kept", "empty")));

        // An empty root that was there stays, empty.
        Directory.CreateDirectory(Path.Combine(dir, "bare"));
        var bare = Submit(path, "--artifacts", "bare");
        Assert.Equal(1, bare.Exit);
        Assert.Empty(Directory.GetFileSystemEntries(Path.Combine(dir, "bare")));
    }

    [Fact]
    public void A_refused_overwrite_keeps_the_earlier_results_untouched()
    {
        WritePipeline();
        var local = CliProcess.Run(dir, Limit, "run", "syn.yaml");
        Assert.True(local.Exit == 0, local.Err + local.Out);
        var before = Files(Path.Combine(Sweep, "runs"));
        var pipelineBefore = File.ReadAllText(Path.Combine(Sweep, "pipeline.yaml"));

        var path = FakeSlurmPath("echo 'sbatch: error: QOSMaxSubmitJobPerUserLimit' >&2; exit 1");
        var (exit, output, err) = Submit(path, "--overwrite");
        Assert.Equal(1, exit);
        Assert.Contains("QOSMaxSubmitJobPerUserLimit", err);
        Assert.Equal(before, Files(Path.Combine(Sweep, "runs")));   // every file back, none rewritten
        Assert.True(File.Exists(Path.Combine(Sweep, "analysis", "final.arrow")));
        Assert.Equal(pipelineBefore, File.ReadAllText(Path.Combine(Sweep, "pipeline.yaml")));
        Assert.False(Directory.Exists(Path.Combine(Sweep, "slurm")), output + err);
        Assert.Empty(Directory.GetDirectories(Sweep, "*.overwritten-*"));
    }

    [Fact]
    public void An_overwrite_dry_run_says_which_earlier_results_the_submission_would_delete()
    {
        WritePipeline();
        var local = CliProcess.Run(dir, Limit, "run", "syn.yaml");
        Assert.True(local.Exit == 0, local.Err + local.Out);
        var before = Files(Sweep);
        var path = FakeSlurmPath("echo 4242");

        // A smaller sweep with --overwrite: both earlier runs go, lr-0.001 not trained again, and the dry run says so.
        var dry = Submit(path, "--overwrite", "--dry-run", "--set", "sweep.train.lr=[0.003]");
        Assert.True(dry.Exit == 0, dry.Err + dry.Out);
        Assert.Contains("# 1 task for 1 run;", dry.Out);
        Assert.Contains("# --overwrite: 2 runs under runs/ (lr-0.001, lr-0.003) and analysis/ would be deleted once Slurm accepts the array", dry.Out);
        Assert.Equal(before, Files(Sweep));   // a dry run: nothing deleted, nothing written

        var submitted = Submit(path, "--overwrite", "--set", "sweep.train.lr=[0.003]");
        Assert.True(submitted.Exit == 0, submitted.Err + submitted.Out);
        Assert.Contains("--overwrite: deleted the earlier 2 runs under runs/ (lr-0.001, lr-0.003) and analysis/", submitted.Out);
        Assert.False(Directory.Exists(Path.Combine(Sweep, "runs")));

        // Nothing earlier to delete: nothing said.
        Directory.Delete(Sweep, recursive: true);
        var fresh = Submit(path, "--overwrite", "--dry-run");
        Assert.True(fresh.Exit == 0, fresh.Err + fresh.Out);
        Assert.DoesNotContain("--overwrite:", fresh.Out);
    }

    [Fact]
    public void A_sweep_a_local_run_is_writing_is_refused_by_a_dry_run_as_by_the_submission()
    {
        WritePipeline();
        var path = FakeSlurmPath("echo \"$*\" >> '" + dir + "/sbatch.log'; echo 4242");
        // Held as a local `pipeline run` holds it while it trains (this test process stands in for it).
        using (Retention.Artifacts.SweepLock.Acquire(Sweep))
        {
            foreach (var extra in new[] { new[] { "--dry-run" }, [] })
            {
                var (exit, output, err) = Submit(path, extra);
                Assert.True(exit == 1, output + err);
                Assert.Contains($"the sweep directory {Sweep} is in use by another pipeline process (pid {Environment.ProcessId} ", err);
                Assert.DoesNotContain("would be written", output);
            }
            Assert.False(Directory.Exists(Path.Combine(Sweep, "slurm")));
            Assert.False(File.Exists(Path.Combine(dir, "sbatch.log")));
        }
        var free = Submit(path, "--dry-run");   // once that process has ended
        Assert.True(free.Exit == 0, free.Err + free.Out);
        Assert.Contains("would be written", free.Out);
    }

    [Fact]
    public void A_resubmission_is_refused_while_the_earlier_array_is_still_queued_and_goes_ahead_once_it_left()
    {
        WritePipeline();
        // sbatch logs its call and answers job ids 4242, 4243, ... in order; squeue lists the array 4242 as pending
        // while the file "queued" exists (what `squeue -h -o %A|%F` prints for a pending array), else nothing.
        var path = FakeSlurm.Path(Path.Combine(dir, "queue-bin"),
            ("sbatch", $"echo \"$*\" >> '{dir}/sbatch.log'\necho $((4241 + $(wc -l < '{dir}/sbatch.log')))"),
            ("squeue", $"echo \"$*\" >> '{dir}/squeue.log'\n[ -f '{dir}/queued' ] && echo '4242|4242'\n[ -f '{dir}/both' ] && echo '4243|4243'\nexit 0"));
        var log = Path.Combine(dir, "sbatch.log");

        var first = Submit(path);
        Assert.True(first.Exit == 0, first.Err + first.Out);
        Assert.Equal(2, File.ReadAllLines(log).Length);   // the array (4242) and the analysis (4243)
        var submission = JsonDocument.Parse(File.ReadAllText(Path.Combine(Sweep, "slurm", "submit-1", "submission.json"))).RootElement;
        Assert.Equal("4242", submission.GetProperty("array_job_id").GetString());

        File.WriteAllText(Path.Combine(dir, "queued"), "");
        var refused = Submit(path);
        Assert.Equal(1, refused.Exit);
        Assert.Contains("still has job 4242 of an earlier submission queued or running", refused.Err);   // was "job(s) 4242"
        Assert.DoesNotContain("4243", refused.Err);   // the analysis job was not listed as queued
        Assert.Contains("4242", File.ReadAllText(Path.Combine(dir, "squeue.log")));   // it asked the scheduler about the array
        Assert.Equal(2, File.ReadAllLines(log).Length);   // nothing submitted
        Assert.False(Directory.Exists(Path.Combine(Sweep, "slurm", "submit-2")));
        var dry = Submit(path, "--dry-run");   // a dry run says the same, not "would be written"
        Assert.True(dry.Exit == 1, dry.Err + dry.Out);
        Assert.Contains("still has job 4242 of an earlier submission queued or running", dry.Err);
        File.WriteAllText(Path.Combine(dir, "both"), "");   // the analysis job queued too: both named, the noun plural
        var both = Submit(path, "--dry-run");
        Assert.True(both.Exit == 1, both.Err + both.Out);
        Assert.Contains("still has jobs 4242, 4243 of an earlier submission queued or running", both.Err);
        File.Delete(Path.Combine(dir, "both"));

        File.Delete(Path.Combine(dir, "queued"));   // the array left the queue (its runs unfinished): resubmitting goes ahead
        var again = Submit(path);
        Assert.True(again.Exit == 0, again.Err + again.Out);
        Assert.Equal(4, File.ReadAllLines(log).Length);
        Assert.True(File.Exists(Path.Combine(Sweep, "slurm", "submit-2", "submission.json")));
    }

    [Fact]
    public void When_only_the_analysis_is_refused_it_says_the_array_runs_and_how_to_analyse()
    {
        WritePipeline();
        var path = FakeSlurmPath("""for a in "$@"; do [[ $a == --dependency=* ]] && { echo 'sbatch: error: Job dependency problem' >&2; exit 1; }; done; echo 4242""");
        var (exit, output, err) = Submit(path);
        Assert.Equal(1, exit);
        Assert.Contains("submitted as job 4242", err);
        Assert.Contains("Job dependency problem", err);
        Assert.Contains($"pipeline analyze {Sweep}", err);
        var submission = JsonDocument.Parse(File.ReadAllText(Path.Combine(Sweep, "slurm", "submit-1", "submission.json"))).RootElement;
        Assert.Equal("4242", submission.GetProperty("array_job_id").GetString());   // status can follow the array
    }

    [Fact]
    public void An_artifacts_root_with_a_space_is_bad_input_refused_before_anything_is_written()
    {
        WritePipeline();
        var path = FakeSlurmPath("echo \"$*\" >> '" + dir + "/sbatch.log'; echo 4242");
        foreach (var extra in new[] { new[] { "--artifacts", "my arts" }, ["--artifacts", "my arts", "--dry-run"] })
        {
            var (exit, output, err) = Submit(path, extra);
            Assert.True(exit == 2, output + err);                                 // bad input, as a bad option is
            Assert.Contains("contains a space", err);
            Assert.Contains("--artifacts", err);
            Assert.False(Directory.Exists(Path.Combine(dir, "my arts")), output + err);
        }
        Assert.False(File.Exists(Path.Combine(dir, "sbatch.log")));              // nothing submitted
    }

    [Fact]
    public void An_artifacts_root_with_a_tab_is_refused_naming_it_as_whitespace_not_a_space()
    {
        WritePipeline();
        var path = FakeSlurmPath("echo \"$*\" >> '" + dir + "/sbatch.log'; echo 4242");
        var (exit, output, err) = Submit(path, "--artifacts", "my\tarts", "--dry-run");
        Assert.True(exit == 2, output + err);
        Assert.Contains("contains whitespace (a tab or a line break), which #SBATCH lines cannot carry: choose another --artifacts", err);
    }

    [Fact]
    public void Gpus_for_runs_on_the_cpu_are_asked_for_with_a_warning()
    {
        File.WriteAllText(Path.Combine(dir, "syn.yaml"), string.Join('\n',
            "name: syn", "device: cpu", "synthetic: {tasks: 4, dims_per_task: 2, width: 2}",
            "train: {steps: 200, batch_size: 8, log_every: 100}", "sweep: {train.lr: [0.003, 0.001]}") + "\n");
        var empty = Directory.CreateDirectory(Path.Combine(dir, "empty-bin")).FullName;
        var gpu = Submit(empty, "--gpus-per-run", "1", "--dry-run");
        Assert.True(gpu.Exit == 0, gpu.Out + gpu.Err);
        Assert.Contains("#SBATCH --gres=gpu:1", gpu.Out);                        // still asked for: a warning, not a refusal
        Assert.Contains("warning: --gpus-per-run 1", gpu.Err);
        Assert.Contains("device cpu", gpu.Err);
        var cpu = Submit(empty, "--dry-run");
        Assert.True(cpu.Exit == 0, cpu.Out + cpu.Err);
        Assert.DoesNotContain("warning", cpu.Err);
        Assert.DoesNotContain("--gres", cpu.Out);
    }

    [Fact]
    public void Runs_the_submitted_sweep_does_not_have_are_listed_by_a_dry_run_and_set_aside_once_the_array_is_accepted()
    {
        WritePipeline();
        var path = FakeSlurmPath("echo 77");
        // Runs of an earlier sweep of this name (other learning rates): the analysis must not mix them with this sweep's.
        foreach (var old in new[] { "lr-0.01", "lr-0.03" })
        {
            Directory.CreateDirectory(Path.Combine(Sweep, "runs", old));
            File.WriteAllText(Path.Combine(Sweep, "runs", old, "marker"), old);
        }
        var dry = Submit(path, "--dry-run");
        Assert.True(dry.Exit == 0, dry.Err + dry.Out);
        Assert.Contains("2 runs under runs/ that this sweep does not have (lr-0.01, lr-0.03) would be moved to previous/", dry.Out);
        Assert.True(Directory.Exists(Path.Combine(Sweep, "runs", "lr-0.01")));   // a dry run moves nothing

        var submitted = Submit(path);
        Assert.True(submitted.Exit == 0, submitted.Err + submitted.Out);
        Assert.Contains("2 runs no longer in the sweep (lr-0.01, lr-0.03) kept in", submitted.Out);
        Assert.Empty(Directory.GetDirectories(Path.Combine(Sweep, "runs")));
        var kept = Directory.GetFiles(Path.Combine(Sweep, "previous"), "marker", SearchOption.AllDirectories);
        Assert.Equal(["lr-0.01", "lr-0.03"], kept.Select(File.ReadAllText).Order());
    }

    static Dictionary<string, string> Contents(string folder) =>
        Directory.GetFiles(folder, "*", SearchOption.AllDirectories).ToDictionary(f => Path.GetRelativePath(folder, f), f => Convert.ToBase64String(File.ReadAllBytes(f)));

    /// <summary>The sweep trained locally without a seed key, then the pipeline gains `seed: [0, 1]`.</summary>
    void TrainThenAddSeeds()
    {
        WritePipeline();
        var local = CliProcess.Run(dir, Limit, "run", "syn.yaml");
        Assert.True(local.Exit == 0, local.Err + local.Out);
        File.WriteAllText(Path.Combine(dir, "syn.yaml"), File.ReadAllText(Path.Combine(dir, "syn.yaml"))
            .Replace("sweep: {train.lr: [0.003, 0.001]}", "sweep: {train.lr: [0.003, 0.001], seed: [0, 1]}"));
    }

    [Fact]
    public void A_resubmission_of_a_sweep_that_gained_a_key_keeps_the_completed_runs_under_their_new_ids()
    {
        TrainThenAddSeeds();
        var runs = Path.Combine(Sweep, "runs");
        var before = Contents(Path.Combine(runs, "lr-0.003"));
        var path = FakeSlurmPath("echo 77");

        var dry = Submit(path, "--dry-run");
        Assert.True(dry.Exit == 0, dry.Err + dry.Out);
        Assert.Contains("# lr-0.003 would continue as lr-0.003_seed-0", dry.Out);
        Assert.Contains("# lr-0.001 would continue as lr-0.001_seed-0", dry.Out);
        Assert.Contains("(2 completed earlier, kept)", dry.Out);
        Assert.DoesNotContain("does not have", dry.Out);                      // not listed as runs to set aside
        Assert.DoesNotContain("_seed-0", string.Join("\n", dry.Out.Split('\n').Where(l => l.StartsWith("# task"))));
        Assert.Equal(["lr-0.001", "lr-0.003"], Directory.GetDirectories(runs).Select(Path.GetFileName).Order());   // a dry run moves nothing

        var submitted = Submit(path);
        Assert.True(submitted.Exit == 0, submitted.Err + submitted.Out);
        Assert.Contains("lr-0.003 continues as lr-0.003_seed-0", submitted.Out);
        Assert.Matches(@"submitted (1 task|2 tasks) for 2 runs \(2 completed earlier, kept\)", submitted.Out);
        Assert.Equal(["lr-0.001_seed-0", "lr-0.003_seed-0"], Directory.GetDirectories(runs).Select(Path.GetFileName).Order());
        Assert.False(Directory.Exists(Path.Combine(Sweep, "previous")));
        var after = Contents(Path.Combine(runs, "lr-0.003_seed-0"));
        Assert.Equal(before.Keys.Order(), after.Keys.Order());
        Assert.Equal(before["status.json"], after["status.json"]);           // its training kept
        Assert.Equal(before["metrics.arrow"], after["metrics.arrow"]);
        Assert.NotEqual(before["swept.arrow"], after["swept.arrow"]);         // its swept values name the new key
        var submission = JsonDocument.Parse(File.ReadAllText(Path.Combine(Sweep, "slurm", "submit-1", "submission.json"))).RootElement;
        Assert.DoesNotContain("_seed-0", submission.GetProperty("tasks").ToString());   // only the seed-1 runs train
    }

    [Fact]
    public void A_resubmission_with_nothing_to_train_still_takes_runs_over_and_sets_the_dropped_ones_aside()
    {
        // Trained with seeds 0 and 1, submitted again without the seed key: seed 0's runs are this sweep's, seed 1's are not.
        WritePipeline();
        File.WriteAllText(Path.Combine(dir, "seeds.yaml"), File.ReadAllText(Path.Combine(dir, "syn.yaml"))
            .Replace("sweep: {train.lr: [0.003, 0.001]}", "sweep: {train.lr: [0.003, 0.001], seed: [0, 1]}"));
        var local = CliProcess.Run(dir, Limit, "run", "seeds.yaml");
        Assert.True(local.Exit == 0, local.Err + local.Out);
        var runs = Path.Combine(Sweep, "runs");
        var path = FakeSlurmPath("echo 77");

        var dry = Submit(path, "--dry-run");
        Assert.True(dry.Exit == 0, dry.Err + dry.Out);
        Assert.Contains("# lr-0.003_seed-0 would continue as lr-0.003", dry.Out);
        Assert.Contains("# 2 runs under runs/ that this sweep does not have (lr-0.001_seed-1, lr-0.003_seed-1) would be moved", dry.Out);
        Assert.Equal(4, Directory.GetDirectories(runs).Length);   // a dry run moves nothing

        // Before: "nothing to submit", and all four runs stayed for the analysis to mix.
        var submitted = Submit(path);
        Assert.True(submitted.Exit == 0, submitted.Err + submitted.Out);
        Assert.Contains("lr-0.003_seed-0 continues as lr-0.003", submitted.Out);
        Assert.Contains("2 runs no longer in the sweep (lr-0.001_seed-1, lr-0.003_seed-1) kept in", submitted.Out);
        Assert.Contains("all 2 runs of", submitted.Out);
        Assert.Equal(["lr-0.001", "lr-0.003"], Directory.GetDirectories(runs).Select(Path.GetFileName).Order());
        var previous = Assert.Single(Directory.GetDirectories(Path.Combine(Sweep, "previous")));
        Assert.True(File.Exists(Path.Combine(previous, "analysis", "final.arrow")));   // the analysis over all four, with them
        Assert.DoesNotContain("seed", File.ReadAllText(Path.Combine(Sweep, "pipeline.yaml")).Split("sweep:")[1]);
        Assert.False(Directory.Exists(Path.Combine(Sweep, "slurm")));                  // nothing was submitted
        var status = CliProcess.Run(dir, Limit, "status", Sweep);
        Assert.Contains("2 runs: 2 completed", status.Out);
    }

    [Fact]
    public void A_resubmission_of_a_one_run_sweep_with_nothing_to_train_says_its_one_run_completed()
    {
        WritePipeline();
        File.WriteAllText(Path.Combine(dir, "syn.yaml"), File.ReadAllText(Path.Combine(dir, "syn.yaml"))
            .Replace("sweep: {train.lr: [0.003, 0.001]}", "sweep: {train.lr: [0.003]}"));
        var local = CliProcess.Run(dir, Limit, "run", "syn.yaml");
        Assert.True(local.Exit == 0, local.Err + local.Out);

        var submitted = Submit(FakeSlurmPath("echo 77"));
        Assert.True(submitted.Exit == 0, submitted.Err + submitted.Out);
        Assert.Contains($"the one run of {Sweep} completed: nothing to submit", submitted.Out);   // was "all 1 runs of"
    }

    [Fact]
    public void Status_of_a_sweep_whose_runs_and_analysis_ended_after_its_submission_does_not_ask_the_scheduler()
    {
        // Submitted, then trained and analysed by `run --resume`: a scheduler that cannot be reached took a minute of
        // squeue retries before status answered. A stand-in squeue that marks each call and fails shows it is not asked.
        WritePipeline();
        var submitted = Submit(FakeSlurmPath("echo 77"));
        Assert.True(submitted.Exit == 0, submitted.Err + submitted.Out);
        var resumed = CliProcess.Run(dir, Limit, "run", "syn.yaml", "--resume");
        Assert.True(resumed.Exit == 0, resumed.Err + resumed.Out);
        var asked = Path.Combine(dir, "squeue-asked");
        var path = FakeSlurm.Path(Path.Combine(dir, "down-bin"), ("sbatch", "exit 1"), ("squeue", $"touch {asked}; echo 'slurm_load_jobs error: Unable to contact slurm controller' >&2; exit 1"),
            ("sacct", $"touch {asked}; exit 1"));
        var status = CliProcess.Run(dir, Limit, new Dictionary<string, string?> { ["PATH"] = path }, "status", Sweep);
        Assert.True(status.Exit == 0, status.Out + status.Err);
        Assert.Contains("2 runs: 2 completed", status.Out);
        Assert.False(File.Exists(asked), status.Out + status.Err);
    }

    [Fact]
    public void A_refused_resubmission_of_a_sweep_that_gained_a_key_puts_the_runs_back_as_they_were()
    {
        TrainThenAddSeeds();
        var runs = Path.Combine(Sweep, "runs");
        var before = Directory.GetDirectories(runs).ToDictionary(d => Path.GetFileName(d)!, Contents);
        var refused = Submit(FakeSlurmPath("echo 'sbatch: error: Invalid qos specification' >&2; exit 1"));
        Assert.Equal(1, refused.Exit);
        Assert.Contains("Invalid qos specification", refused.Err);
        var after = Directory.GetDirectories(runs).ToDictionary(d => Path.GetFileName(d)!, Contents);
        Assert.Equal(before.Keys.Order(), after.Keys.Order());
        foreach (var (run, files) in before) Assert.Equal(files, after[run]);   // every byte of every file back
    }

    [Fact]
    public async Task An_interrupted_run_taken_over_by_a_resubmission_keeps_its_checkpoint_for_its_new_id_and_a_refusal_puts_it_back()
    {
        // Stopped at step 1,000 of 3,000 of the first run: its checkpoint names the run(s) it trained.
        var yaml = string.Join('\n', "name: syn", "synthetic: {tasks: 4, dims_per_task: 2, width: 2}",
            "train: {steps: 3000, batch_size: 8, log_every: 100}", "sweep: {train.lr: [0.003, 0.001]}") + "\n";
        File.WriteAllText(Path.Combine(dir, "syn.yaml"), yaml);
        using (var stop = new CancellationTokenSource())
        {
            var stopped = await Retention.Pipeline.PipelineRunner.RunAsync(Retention.Spec.SpecLoader.LoadText(yaml, Path.Combine(dir, "syn.yaml")),
                Path.Combine(dir, "artifacts"), new Retention.Tests.Pipeline.StopAt(1000, stop), stop.Token, analyze: false);
            Assert.True(stopped.Interrupted);
        }
        var cells = Directory.GetFiles(Path.Combine(Sweep, "runs"), "trainer.json", SearchOption.AllDirectories).Single();
        var group = Path.GetFileName(Path.GetDirectoryName(Path.GetDirectoryName(cells)))!;
        Assert.Contains($"\"{group}\"", File.ReadAllText(cells));
        File.WriteAllText(Path.Combine(dir, "syn.yaml"), yaml.Replace("sweep: {train.lr: [0.003, 0.001]}", "sweep: {train.lr: [0.003, 0.001], seed: [0, 1]}"));
        var before = Contents(Path.Combine(Sweep, "runs"));

        var refused = Submit(FakeSlurmPath("echo 'sbatch: error: Invalid qos specification' >&2; exit 1"));
        Assert.Equal(1, refused.Exit);
        Assert.Equal(before, Contents(Path.Combine(Sweep, "runs")));   // checkpoint and headers byte for byte, under the old ids

        var submitted = Submit(FakeSlurmPath("echo 77"));
        Assert.True(submitted.Exit == 0, submitted.Err + submitted.Out);
        Assert.Contains($"{group} continues as {group}_seed-0", submitted.Out);
        var renamed = Path.Combine(Sweep, "runs", group + "_seed-0", Path.GetRelativePath(Path.Combine(Sweep, "runs", group), cells));
        // The task's resume finds a checkpoint of the runs it trains: the new ids.
        Assert.Contains($"\"{group}_seed-0\"", File.ReadAllText(renamed));
        Assert.DoesNotContain($"\"{group}\"", File.ReadAllText(renamed));
    }

    [Fact]
    public void A_time_limit_slurm_reads_as_minutes_and_seconds_is_said_as_such()
    {
        WritePipeline();
        var dry = Submit(FakeSlurmPath("echo 1"), "--dry-run", "--time", "12:00");
        Assert.True(dry.Exit == 0, dry.Err + dry.Out);
        Assert.Contains("note: --time 12:00 is 12 min 0 s to Slurm (MM:SS); for 12 hours give 12:00:00", dry.Err);
        Assert.Contains("#SBATCH --time=12:00", dry.Out);
        var hours = Submit(FakeSlurmPath("echo 1"), "--dry-run", "--time", "12:00:00");
        Assert.DoesNotContain("note:", hours.Err);
    }

    [Fact]
    public void A_memory_size_without_a_unit_is_said_to_be_megabytes()
    {
        WritePipeline();
        var dry = Submit(FakeSlurmPath("echo 1"), "--dry-run", "--mem", "64");
        Assert.True(dry.Exit == 0, dry.Err + dry.Out);
        Assert.Contains("note: --mem 64 is 64 MB to Slurm (its default unit); for gigabytes give 64G", dry.Err);
        Assert.Contains("#SBATCH --mem=64", dry.Out);
        Assert.DoesNotContain("note:", Submit(FakeSlurmPath("echo 1"), "--dry-run", "--mem", "64G").Err);
    }
}
