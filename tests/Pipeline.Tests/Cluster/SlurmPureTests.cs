using Retention.Cluster;
using Retention.Pipeline;

namespace Retention.Tests.Cluster;

/// <summary>
/// The pure parts of `pipeline submit --slurm` and `pipeline status`, without a cluster: Slurm's time
/// formats (values from the sbatch manual), the options' checks, the batch scripts (bash parses them;
/// the directives a requeue relies on are there), and how a run's state follows from what its
/// directory and the scheduler say.
/// </summary>
public class SlurmPureTests
{
    [Theory]
    [InlineData("30", 30 * 60)]                     // minutes
    [InlineData("10:30", 10 * 60 + 30)]              // MM:SS
    [InlineData("01:00:00", 3600)]                   // HH:MM:SS
    [InlineData("2-00", 2 * 86400)]                  // D-HH
    [InlineData("1-02:03", 86400 + 2 * 3600 + 3 * 60)]
    [InlineData("1-02:03:04", 86400 + 2 * 3600 + 3 * 60 + 4)]
    public void Slurm_time_formats_read_as_the_sbatch_manual_says(string time, long seconds) =>
        Assert.Equal(seconds, SlurmResources.TimeLimitSeconds(time));

    [Theory]
    [InlineData("1h")]
    [InlineData("")]
    [InlineData("1:2:3:4")]
    [InlineData("-5")]
    public void Other_text_is_not_a_time(string time) => Assert.Null(SlurmResources.TimeLimitSeconds(time));

    [Fact]
    public void Every_bad_option_is_reported_at_once_naming_it()
    {
        var problems = new SlurmResources(GpusPerRun: -1, CpusPerRun: 0, Mem: "16 GB", Time: "2", SignalLeadSeconds: 180, Partition: "a b").Problems();
        Assert.Equal(5, problems.Count);
        foreach (var option in new[] { "--gpus-per-run", "--cpus-per-run", "--mem", "--partition", "--signal-lead 180" })
            Assert.Contains(problems, p => p.Contains(option));
        Assert.Empty(new SlurmResources(Mem: "16G", Time: "1-00", Partition: "gpu").Problems());
        // What to do about a limit too short for the warning; 0, which Slurm reads as no limit, said as such.
        Assert.EndsWith("give a longer --time or a shorter --signal-lead", Assert.Single(new SlurmResources(Time: "1").Problems()));
        Assert.Contains("Slurm reads 0 as no limit", Assert.Single(new SlurmResources(Time: "0").Problems()));
        // The analysis job's limit alike (it was written to analysis.sbatch as --time=0).
        Assert.Equal(["--analysis-time 00:00: Slurm reads 0 as no limit; leave --analysis-time out for the partition's limit, or give one"],
            new SlurmResources(AnalysisTime: "00:00").Problems());
    }

    static SlurmSubmission Submission(string sweepDir, SlurmResources r) =>
        new(1, sweepDir, Path.GetDirectoryName(sweepDir)!, "cpu", "/data", [["a"], ["b", "c"], ["d"]], r, "2026-11-30T00:00:00Z");

    /// <summary>Zero is no size to Slurm but its special case, all of each node's memory (sbatch --mem=0 or 0G): not "0 MB".</summary>
    [Fact]
    public void A_memory_size_of_zero_is_said_to_be_all_of_each_nodes_memory()
    {
        const string all = "asks Slurm for all of each node's memory (its special case for zero): each task holds a whole node's memory";
        Assert.Equal([$"--mem 0 {all}"], new SlurmResources(Mem: "0").Notes());
        Assert.Equal([$"--mem 0G {all}"], new SlurmResources(Mem: "0G").Notes());
        Assert.Equal(["--mem 10 is 10 MB to Slurm (its default unit); for gigabytes give 10G"], new SlurmResources(Mem: "10").Notes());
        Assert.Empty(new SlurmResources(Mem: "10G").Notes());
    }

    /// <summary>Slurm reads "16GB" as 16 GB (the unit's trailing B); it was refused as not a memory size. The script gives
    /// it as "16G", the spelling every Slurm release reads (its manual's units are upper-case: "16gb" is given as "16G").
    /// A space, or a B alone, is still no size.</summary>
    [Theory]
    [InlineData("16GB", "16G")]
    [InlineData("500mb", "500M")]
    [InlineData("16g", "16G")]
    [InlineData("2T", "2T")]
    [InlineData("4096", "4096")]
    public void A_memory_size_with_a_trailing_B_is_taken_and_given_to_slurm_without_it(string mem, string directive)
    {
        var r = new SlurmResources(Mem: mem);
        Assert.Empty(r.Problems());
        Assert.Contains($"#SBATCH --mem={directive}\n", SlurmScripts.Array(Submission("/scratch/sweep", r), ["pipeline"], "x"));
        Assert.Single(new SlurmResources(Mem: "16B").Problems());
        Assert.Single(new SlurmResources(Mem: "0GB").Notes(), n => n.Contains("all of each node's memory"));
    }

    /// <summary>`scontrol show job -o` prints one line ending in a newline; the exit code was read as "1:0\n" when ExitCode
    /// was the line's last field, and a tab between fields hid the field after it.</summary>
    [Fact]
    public void The_end_state_is_read_from_scontrols_line_whatever_whitespace_separates_or_ends_its_fields()
    {
        Assert.Equal("FAILED (exit 1:0)", SlurmClient.EndStateOf("JobId=7 ArrayTaskId=0 JobState=FAILED Reason=NonZeroExitCode ExitCode=1:0\n"));
        Assert.Equal("OUT_OF_MEMORY (exit 0:125)", SlurmClient.EndStateOf("JobId=7\tJobState=OUT_OF_MEMORY\tExitCode=0:125"));
        Assert.Equal("COMPLETED (exit ?)", SlurmClient.EndStateOf("JobState=COMPLETED\n"));
        Assert.Null(SlurmClient.EndStateOf("JobId=7 ExitCode=0:0\n"));
    }

    [Fact]
    public void The_array_script_parses_asks_for_a_warning_and_requeue_and_quotes_odd_paths()
    {
        var r = new SlurmResources(Partition: "gpu", GpusPerRun: 2, CpusPerRun: 8, Mem: "64G", Time: "04:00:00", MaxParallel: 2, SignalLeadSeconds: 300);
        var s = Submission("/scratch/it's/sweep", r);
        var script = SlurmScripts.Array(s, ["dotnet", "/opt/pipeline dir/pipeline.dll"], "fig5");
        foreach (var directive in new[] { "--array=0-2%2", "--signal=B:USR1@300", "--requeue", "--open-mode=append", "--gres=gpu:2",
                                          "--cpus-per-task=8", "--mem=64G", "--time=04:00:00", "--partition=gpu", "--job-name=fig5" })
            Assert.Contains($"#SBATCH {directive}\n", script);
        Assert.Contains("PIPELINE_STOP_GRACE_S=225", script);   // three quarters of the lead
        Assert.Contains("'/opt/pipeline dir/pipeline.dll'", script);
        Assert.Contains("'/scratch/it'\\''s/sweep/slurm/submit-1'", script);
        var (exit, output) = BashParses(script);
        Assert.True(exit == 0, output + script);

        var analysis = SlurmScripts.Analysis(s, ["dotnet", "/opt/pipeline dir/pipeline.dll"], "fig5");
        Assert.DoesNotContain("--time", analysis);   // the analysis is short: the cluster's default limit
        Assert.Contains("analyze '/scratch/it'\\''s/sweep'", analysis);
        Assert.Equal(0, BashParses(analysis).Exit);
        // Its own limit when given (not the tasks' per-attempt one); a value Slurm would refuse is named.
        var limited = SlurmScripts.Analysis(Submission("/s/w", r with { AnalysisTime = "30" }), ["pipeline"], "w");
        Assert.Single(limited.Split('\n'), l => l.StartsWith("#SBATCH --time", StringComparison.Ordinal));
        Assert.Contains("#SBATCH --time=30\n", limited);
        Assert.Equal(["--analysis-time '1:2:3:4' is not a Slurm time (minutes, MM:SS, HH:MM:SS, D-HH, D-HH:MM or D-HH:MM:SS)"],
            new SlurmResources(AnalysisTime: "1:2:3:4").Problems());
        Assert.DoesNotContain("%", SlurmScripts.Array(Submission("/s/w", new SlurmResources()), ["pipeline"], "w").Split('\n').Single(l => l.Contains("--array")));
    }

    /// <summary>A warning in the program's first moments (Slurm may warn up to a minute early; preemption comes at any time)
    /// reaches it before it takes SIGUSR1, and ends it with 138 (128 + 10) having written nothing: the task requeues as after
    /// a warning it took, rather than failing. Here the program stands in for Slurm and warns the batch shell itself at once.</summary>
    [Fact]
    public void A_warning_that_ends_the_program_before_it_takes_it_requeues_the_task()
    {
        var dir = Directory.CreateTempSubdirectory("warned-early-").FullName;
        try
        {
            var s = Submission(Path.Combine(dir, "sweep"), new SlurmResources());
            Directory.CreateDirectory(s.Directory);
            var bin = FakeSlurm.Path(Path.Combine(dir, "bin"), ("scontrol", $"echo \"$*\" >> '{dir}/scontrol.args'"));
            var script = Path.Combine(dir, "array.sbatch");
            File.WriteAllText(script, SlurmScripts.Array(s, ["bash", "-c", "kill -USR1 $PPID; exec sleep 30"], "w"));
            var (exit, output) = LocalSlurm.Bash($"PATH='{bin}' SLURM_ARRAY_JOB_ID=7 SLURM_ARRAY_TASK_ID=0 bash '{script}'");
            Assert.True(exit == 138, $"exit {exit}: {output}");
            Assert.Contains("warned before the program took the signal (this attempt wrote nothing); requeueing", output);
            Assert.DoesNotContain("checkpointed", output);
            Assert.Equal("requeue 7_0\n", File.ReadAllText(Path.Combine(dir, "scontrol.args")));
            Assert.Single(File.ReadAllLines(Path.Combine(s.Directory, SlurmSubmission.RequeueLog)));
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    /// <summary>`bash -n` on a script's text: does bash parse it.</summary>
    static (int Exit, string Output) BashParses(string script)
    {
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, script);
            return LocalSlurm.Bash($"bash -n '{file}'");
        }
        finally { File.Delete(file); }
    }

    static readonly SweepContract.Provenance Started = new("1.0", "node7", "me", "cuda", "2026-11-30T01:00:00Z", null, null, "pipeline task", 42, "7_0", 1);

    [Fact]
    public void A_requeued_tasks_earlier_attempts_keep_their_attempt_beside_the_job_they_share()
    {
        // Task 7_0's attempts 1 and 2 were stopped and requeued; attempt 3 continues: its provenance names both, told apart.
        var first = Started with { Finished = "2026-11-30T02:00:00Z", State = "interrupted" };
        var second = Started with { Attempt = 2, FromStep = 500, Finished = "2026-11-30T03:00:00Z", State = "interrupted", EarlierAttempts = first.History() };
        var third = Started with { Attempt = 3, FromStep = 900, EarlierAttempts = second.History() };
        var written = System.Text.Json.JsonSerializer.Serialize(third, Retention.Artifacts.RecordJson.Options);
        var read = System.Text.Json.JsonSerializer.Deserialize<SweepContract.Provenance>(written, Retention.Artifacts.RecordJson.Options)!;
        Assert.Equal([("7_0", 1, 0L), ("7_0", 2, 500L)], read.EarlierAttempts!.Select(e => (e.SlurmJob, e.Attempt ?? 0, e.FromStep)));

        // A local run's attempts have no Slurm attempt: none is written, and a file written without one reads as none.
        var local = Started with { SlurmJob = null, State = "interrupted" };
        var resumed = local with { EarlierAttempts = local.History() };
        var localJson = System.Text.Json.JsonSerializer.Serialize(resumed, Retention.Artifacts.RecordJson.Options);
        var earlier = System.Text.Json.JsonDocument.Parse(localJson).RootElement.GetProperty("earlier_attempts")[0];
        Assert.False(earlier.TryGetProperty("attempt", out _), localJson);
        Assert.Null(System.Text.Json.JsonSerializer.Deserialize<SweepContract.Provenance>(localJson, Retention.Artifacts.RecordJson.Options)!
            .EarlierAttempts![0].Attempt);
    }

    [Fact]
    public void The_schedulers_word_wins_while_it_holds_the_task()
    {
        var queued = new SchedulerTask("7", 0, "PENDING", "Priority");
        Assert.Equal("pending", SweepStatus.Classify("a", new(null, null, false, "7_0", queued)).State);
        // Pending again after a self-requeue, with the step it stopped at.
        var requeued = SweepStatus.Classify("a", new(new RunStatus("interrupted", 1200, 30), Started, false, "7_0", queued, Requeues: 1));
        Assert.Equal("requeued", requeued.State);
        Assert.Contains("from step 1,200", requeued.Detail);
        Assert.Equal("running", SweepStatus.Classify("a", new(null, Started, true, "7_0", new("7", 0, "RUNNING", "None"))).State);
    }

    /// <summary>Slurm accepts a task no node of the partition can run (sbatch --cpus-per-task=8 on 2-CPU nodes, as on the
    /// one-node cluster) and leaves it pending with reason PartitionConfig for ever: status says it will not start and why.</summary>
    [Fact]
    public void A_task_pending_for_a_request_the_partition_cannot_meet_is_said_to_never_start()
    {
        var never = SweepStatus.Classify("a", new(null, null, false, "7_0", new SchedulerTask("7", 0, "PENDING", "PartitionConfig")));
        Assert.Equal("will not start", never.State);
        Assert.Equal("job 7_0 queued (PartitionConfig: no node of the partition can give a task what it asks for (--cpus-per-run, " +
                     "--mem, --gpus-per-run), so it will not start; scancel the job and submit with less, or to another --partition)", never.Detail);
        Assert.Contains("PartitionTimeLimit: --time is over the partition's limit, so it will not start",
            SweepStatus.Classify("a", new(null, null, false, "7_0", new SchedulerTask("7", 0, "PENDING", "PartitionTimeLimit"))).Detail);
        // A reason that passes by itself is said as squeue says it.
        Assert.Equal("job 7_0 queued (Resources)",
            SweepStatus.Classify("a", new(null, null, false, "7_0", new SchedulerTask("7", 0, "PENDING", "Resources"))).Detail);
        // "None" (the scheduler has not looked at a task just submitted, or requeued) is no reason: not said.
        Assert.Equal("job 7_0 queued", SweepStatus.Classify("a", new(null, null, false, "7_0", new SchedulerTask("7", 0, "PENDING", "None"))).Detail);
        Assert.Equal("job 7_0 waits to continue from step 1,200 as attempt 2 (1 requeue)", SweepStatus.Classify("a",
            new(new RunStatus("interrupted", 1200, 30), Started, false, "7_0", new SchedulerTask("7", 0, "PENDING", "None"), Requeues: 1)).Detail);
    }

    /// <summary>A task Slurm leaves pending for ever (PartitionConfig, PartitionTimeLimit) counts as failed for the exit code,
    /// so a script polling "until the exit code is not 3" ends: 3 while other runs still go on, 1 once only such tasks are
    /// left queued, as is the analysis job that waits on them (afterany). The summary counts them as "will not start".</summary>
    [Fact]
    public void A_task_that_will_never_start_ends_the_poll_as_a_failure_once_nothing_else_goes_on()
    {
        RunState S(string state) => new("r", state, "");
        var never = SweepStatus.Classify("b", new(null, null, false, "7_1", new SchedulerTask("7", 1, "PENDING", "PartitionTimeLimit")));
        Assert.Equal(3, SweepStatus.ExitCode([never, S("running")]));                       // the other run still trains
        Assert.Equal(3, SweepStatus.ExitCode([never, S("pending")]));                       // queued for a reason that passes
        Assert.Equal(1, SweepStatus.ExitCode([never, S("completed")]));
        Assert.Equal(1, SweepStatus.ExitCode([never]));
        Assert.Equal("3 runs: 1 completed, 1 failed, 1 will not start", SweepStatus.Summary([S("completed"), never, S("failed")]));
        // The analysis job pending after the array waits on the task for as long as it is queued: no reason to poll on.
        var analysis = SweepStatus.OfRuns(new AnalysisState("8", "pending", "starts when the array's tasks have ended"), [never, S("completed")]);
        Assert.Equal("waits on the tasks that will not start; it starts once they are scancelled", analysis!.Detail);
        Assert.Equal(1, SweepStatus.ExitCode([never, S("completed")], analysis));
        Assert.Equal(3, SweepStatus.ExitCode([never, S("running")], new AnalysisState("8", "pending", "")));
        Assert.Equal(3, SweepStatus.ExitCode([never, S("completed")], new AnalysisState("8", "running", "")));
        // Requeued, then held for a reason Slurm never clears (the partition's limits lowered): the same, said with what to do.
        var requeued = SweepStatus.Classify("c", new(new RunStatus("interrupted", 1200, 30), Started, false, "7_2",
            new SchedulerTask("7", 2, "PENDING", "PartitionTimeLimit"), Requeues: 1));
        Assert.Equal("will not start", requeued.State);
        Assert.Contains("(1 requeue; PartitionTimeLimit: --time is over the partition's limit, so it will not start; scancel", requeued.Detail);
    }

    /// <summary>The analysis job pending for a reason Slurm never clears (an --analysis-time over the partition's limit) kept
    /// status at exit 3 for ever after every run completed: it is "will not start" now, with why, and exit 1.</summary>
    [Fact]
    public void An_analysis_job_that_will_never_start_ends_the_poll_as_a_failure()
    {
        var never = SweepStatus.ClassifyAnalysis("9", "PENDING", null, null, reason: "PartitionTimeLimit");
        Assert.Equal("will not start", never.State);
        Assert.Equal("PartitionTimeLimit: --analysis-time is over the partition's limit, so it will not start; scancel 9, and " +
                     "`pipeline analyze` on the sweep writes its tables", never.Detail);
        Assert.Equal(1, SweepStatus.ExitCode([new("r", "completed", "")], never));
        // Waiting on the array (squeue's reason Dependency) is pending, as before.
        var waits = SweepStatus.ClassifyAnalysis("9", "PENDING", null, null, reason: "Dependency");
        Assert.Equal("pending", waits.State);
        Assert.Equal(3, SweepStatus.ExitCode([new("r", "running", "")], waits));
    }

    /// <summary>While a task is requeued and its next attempt starts, status says the attempt the scheduler counts (Slurm's
    /// own requeues too, which requeues.log never lists), and never a log line of an earlier attempt (the attempt's first
    /// line, say, whose number is the earlier attempt's while provenance.json still names the one before).</summary>
    [Fact]
    public void A_requeued_task_is_said_as_its_current_attempt_and_never_by_an_earlier_attempts_log_line()
    {
        var interrupted = new RunStatus("interrupted", 1200, 30);
        // Requeued by Slurm (`scontrol requeue`, preemption): no line in requeues.log, one restart as the scheduler counts it.
        var waiting = SweepStatus.Classify("a", new(interrupted, Started, false, "7_0", new("7", 0, "PENDING", "BeginTime", Restarts: 1)));
        Assert.Equal(("requeued", "job 7_0 waits to continue from step 1,200 as attempt 2 (1 requeue; BeginTime)"), (waiting.State, waiting.Detail));
        var log = Path.GetTempFileName();
        try
        {
            File.WriteAllText(log, "pipeline task 0 of job 7 on node7 at 2026-11-30T01:00:00Z, attempt 1\nartifacts: /s\n" +
                                   "  a … b (2 runs): step 1200/4000 loss 1.2 900 steps/s\nSIGTERM: the program stops and completes its files\n");
            RunState Now(string state) => SweepStatus.Classify("a", new(interrupted, Started, false, "7_0", new("7", 0, state, "None", Restarts: 1), Log: log));
            // The first attempt winds down after the requeue: Slurm counts the next attempt already.
            Assert.Equal(("requeued", "job 7_0: attempt 1 is ending; attempt 2 will continue from step 1,200 (1 requeue)"), (Now("COMPLETING").State, Now("COMPLETING").Detail));
            // Attempt 2 runs (provenance.json still says attempt 1): before its first line, and with only that line, it is starting.
            Assert.Equal(("running", "job 7_0, attempt 2: starting"), (Now("RUNNING").State, Now("RUNNING").Detail));
            // Running before its log exists (Slurm's prolog, a slow shared file system): starting, as the README says.
            var noLog = SweepStatus.Classify("a", new(null, null, false, "7_0", new("7", 0, "RUNNING", "None", Restarts: 0), Log: log + ".none"));
            Assert.Equal(("running", "job 7_0, attempt 1: starting"), (noLog.State, noLog.Detail));
            File.AppendAllText(log, "pipeline task 0 of job 7 on node7 at 2026-11-30T01:05:00Z, attempt 2\n");
            Assert.Equal("job 7_0, attempt 2: starting", Now("RUNNING").Detail);
            File.AppendAllText(log, "artifacts: /s\na (+1): resuming from the checkpoint at step 1200\n");
            Assert.Equal("job 7_0, attempt 2: a (+1): resuming from the checkpoint at step 1200", Now("RUNNING").Detail);
            // Where squeue gave no restart count, the log's latest attempt outranks an older provenance.json.
            var unCounted = SweepStatus.Classify("a", new(interrupted, Started, false, "7_0", new("7", 0, "RUNNING", "None"), Log: log));
            Assert.Equal("job 7_0, attempt 2: a (+1): resuming from the checkpoint at step 1200", unCounted.Detail);
            // A task that ends as it should (COMPLETING, no requeue) is still its attempt's.
            var ending = SweepStatus.Classify("a", new(null, Started with { Attempt = 2 }, false, "7_0", new("7", 0, "COMPLETING", "None", Restarts: 1), Log: log));
            Assert.Equal(("running", "job 7_0, attempt 2: a (+1): resuming from the checkpoint at step 1200"), (ending.State, ending.Detail));
        }
        finally { File.Delete(log); }
    }

    [Fact]
    public void A_task_that_ended_is_said_with_its_latest_attempts_error_never_an_earlier_attempts()
    {
        var log = Path.GetTempFileName();
        try
        {
            // Attempt 1 failed on its disk and was requeued; attempt 2 was killed without a word (kill -9, OOM killer).
            File.WriteAllText(log, "pipeline task 0 of job 7 on node7 at 2026-11-30T01:00:00Z, attempt 1\nartifacts: /s\n" +
                                   "error: writing metrics.arrow: No space left on device\n" +
                                   "pipeline task 0 of job 7 on node7 at 2026-11-30T01:05:00Z, attempt 2\na (+1): resuming from the checkpoint at step 1200\n");
            RunState Ended() => SweepStatus.Classify("a", new(null, Started, false, "7_0", EndState: () => "FAILED", Log: log));
            Assert.Equal("failed", Ended().State);
            Assert.DoesNotContain("No space left", Ended().Detail);
            Assert.Contains("FAILED", Ended().Detail);
            // Its own error, once it writes one, is said.
            File.AppendAllText(log, "error: loss is NaN at step 1300\n");
            Assert.Contains("error: loss is NaN at step 1300", Ended().Detail);
            Assert.DoesNotContain("No space left", Ended().Detail);
        }
        finally { File.Delete(log); }
    }

    [Theory]
    // A batch script whose process was killed exits 128 + the signal; a script killed itself shows it after the colon.
    [InlineData("FAILED (exit 137:0)", "killed by SIGKILL (137 = 128 + 9)")]
    [InlineData("FAILED (exit 0:9)", "killed by SIGKILL")]
    [InlineData("FAILED (exit 139:0)", "segmentation fault")]
    [InlineData("CANCELLED by 0 (exit 0:15)", "SIGTERM")]
    [InlineData("OUT_OF_MEMORY (exit 0:125)", "larger --mem")]
    [InlineData("TIMEOUT (exit 0:0)", "longer --signal-lead")]
    [InlineData("NODE_FAIL (exit 0:0)", "its node failed")]
    public void A_scheduler_end_state_is_said_with_what_it_means(string endState, string meaning)
    {
        var said = SlurmEndState.Explain(endState);
        Assert.StartsWith(endState + ": ", said);
        Assert.Contains(meaning, said);
    }

    [Theory]
    [InlineData("FAILED (exit 1:0)")]     // the program's own error: its log line says it
    [InlineData("FAILED (exit 2:0)")]
    [InlineData("COMPLETED (exit 0:0)")]
    [InlineData("SOMETHING_NEW")]
    public void An_end_state_with_nothing_to_add_is_said_as_the_scheduler_said_it(string endState) =>
        Assert.Equal(endState, SlurmEndState.Explain(endState));

    /// <summary>A stopped run of a sweep `pipeline run` trained here has no task to resubmit: `run --resume` continues it.
    /// A submitted run's task is resubmitted (or the sweep resumed here).</summary>
    [Fact]
    public void A_stopped_run_says_run_resume_where_it_trained_locally_and_resubmit_where_it_was_submitted()
    {
        var stopped = new RunStatus("interrupted", 5, 1.0);
        Assert.Equal("stopped at step 5; run --resume to continue", SweepStatus.Classify("a", new(stopped, Started, false)).Detail);
        Assert.Equal("stopped at step 5; resubmit (or run --resume) to continue", SweepStatus.Classify("a", new(stopped, Started, false, "7_0")).Detail);
        var local = Started with { SlurmJob = null };
        Assert.EndsWith("(a second Ctrl+C or SIGTERM? a full disk? killed?); checkpoint at step 1,200: run --resume to continue from it",
            SweepStatus.Classify("a", new(null, local, false, CheckpointStep: 1200)).Detail);
        Assert.EndsWith("killed?); no checkpoint: run --resume to train it from step 0", SweepStatus.Classify("a", new(null, local, false)).Detail);
        // A submitted task's run before Slurm gave the job its id: a submission holds it all the same.
        Assert.EndsWith("killed?); no checkpoint: resubmit (or run --resume) to train it from step 0",
            SweepStatus.Classify("a", new(null, local, false, Submitted: true)).Detail);
        var damaged = SweepStatus.Classify("a", new(RunStatus.Completed(5, 1.0), local, false, TablesProblem: "metrics.arrow is missing"));
        Assert.EndsWith("delete the run's directory and run --resume to train it again", damaged.Detail);
    }

    [Fact]
    public void A_task_killed_after_a_checkpoint_says_what_killed_it_and_that_a_resubmission_continues_from_the_checkpoint()
    {
        var killed = SweepStatus.Classify("a", new(null, Started, false, "7_0", EndState: () => "FAILED (exit 137:0)", CheckpointStep: 1200));
        Assert.Equal("failed", killed.State);
        Assert.StartsWith("job 7_0 ended FAILED (exit 137:0): killed by SIGKILL", killed.Detail);
        Assert.EndsWith("without a status; checkpoint at step 1,200: resubmit (or run --resume) to continue from it", killed.Detail);
        var early = SweepStatus.Classify("a", new(null, Started, false, "7_0", EndState: () => "OUT_OF_MEMORY (exit 0:125)"));
        Assert.EndsWith("without a status; no checkpoint: resubmit (or run --resume) to train it from step 0", early.Detail);
    }

    /// <summary>What `status` adds after an end state's explanation is set apart from it: "…, or an administrator before
    /// training" read as though an administrator had acted before training.</summary>
    [Fact]
    public void What_follows_an_end_states_explanation_is_set_apart_from_it()
    {
        var killed = SweepStatus.Classify("a", new(null, Started, false, "7_0", EndState: () => "FAILED (exit 137:0)"));
        Assert.Contains("or an administrator; the run ended without a status; no checkpoint", killed.Detail);
        var never = SweepStatus.Classify("a", new(null, null, false, "7_0", EndState: () => "OUT_OF_MEMORY (exit 0:125)"));
        Assert.Equal("failed", never.State);
        Assert.EndsWith("resubmit with a larger --mem (or a smaller batch_size); the run never started training", never.Detail);
    }

    /// <summary>A completed run's time in tenths under 10 s (a short run read "40 steps in 0 s"), whole seconds to 2 min,
    /// then minutes and hours.</summary>
    [Theory]
    [InlineData(0.4, "40 steps in 0.4 s")]
    [InlineData(9.94, "40 steps in 9.9 s")]
    [InlineData(9.96, "40 steps in 10 s")]
    [InlineData(75, "40 steps in 75 s")]
    [InlineData(600, "40 steps in 10.0 min")]
    [InlineData(9000, "40 steps in 2.5 h")]
    public void A_completed_runs_time_is_said_to_the_tenth_under_ten_seconds(double seconds, string detail) =>
        Assert.Equal(detail, SweepStatus.Classify("a", new(RunStatus.Completed(40, seconds), Started, false, "7_0")).Detail);

    /// <summary>A one-step run read "1 steps in 0.4 s".</summary>
    [Fact]
    public void A_completed_run_of_one_step_says_1_step()
    {
        Assert.Equal("1 step in 0.4 s", SweepStatus.Classify("a", new(RunStatus.Completed(1, 0.4), Started, false, "7_0")).Detail);
        Assert.Equal("4,000 steps in 12 s", SweepStatus.Classify("a", new(RunStatus.Completed(4000, 12), Started, false, "7_0")).Detail);
    }

    [Fact]
    public void Once_the_scheduler_lets_go_the_run_directory_and_the_end_state_say_how_it_ended()
    {
        Assert.Equal("completed", SweepStatus.Classify("a", new(RunStatus.Completed(4000, 12), Started, false, "7_0")).State);
        var failed = SweepStatus.Classify("a", new(new RunStatus("failed", 10, 1, "error: loss is NaN at step 10"), Started, false, "7_0"));
        Assert.Equal(("failed", "error: loss is NaN at step 10"), (failed.State, failed.Detail));
        // Started, no status, lock free: killed. The scheduler tells which way.
        var oom = SweepStatus.Classify("a", new(null, Started, false, "7_0", EndState: () => "OUT_OF_MEMORY"));
        Assert.Equal("failed", oom.State);
        Assert.Contains("OUT_OF_MEMORY", oom.Detail);
        Assert.Equal("interrupted", SweepStatus.Classify("a", new(null, Started, false, "7_0", EndState: () => "COMPLETED")).State);
        Assert.Equal("running", SweepStatus.Classify("a", new(null, Started, true)).State);   // a local run holding the lock
        // Cancelled before it started (scancel on a pending task): stopped by the user, not failed; resubmitting trains it.
        var cancelled = SweepStatus.Classify("a", new(null, null, false, "7_0", EndState: () => "CANCELLED by 0"));
        Assert.Equal(("not started", "job 7_0 was cancelled before it started; resubmit to train it"), (cancelled.State, cancelled.Detail));
        Assert.Equal(SweepStatus.Stopped, SweepStatus.ExitCode([cancelled]));
        Assert.Equal("not started", SweepStatus.Classify("a", new(null, null, false)).State);
        // Slurm forgets an ended job after MinJobAge; the task's log still tells a failure before training.
        var log = Path.GetTempFileName();
        try
        {
            File.WriteAllText(log, "pipeline task 0 of job 7\nerror: the sweep directory /s is in use by another pipeline process\n");
            var forgotten = SweepStatus.Classify("a", new(null, null, false, "7_0", EndState: () => null, Log: log));
            Assert.Equal("failed", forgotten.State);
            Assert.Contains("in use by another pipeline process", forgotten.Detail);
            File.WriteAllText(log, "pipeline task 0 of job 7\n");
            Assert.Equal("not started", SweepStatus.Classify("a", new(null, null, false, "7_0", EndState: () => null, Log: log)).State);
            // The scheduler could not be asked: unknown, not "left the queue".
            Assert.Equal("unknown", SweepStatus.Classify("a", new(null, null, false, "7_0", Log: log, SchedulerAnswered: false)).State);
            // Interrupted earlier, then the resubmitted task failed before training: its log's error, not the old status.
            var interrupted = new RunStatus("interrupted", 40, 1);
            Assert.Equal("interrupted", SweepStatus.Classify("a", new(interrupted, Started, false, "8_0", Log: log)).State);
            File.AppendAllText(log, "error: --resume would continue runs of /s under a different spec\n");
            var resubmitted = SweepStatus.Classify("a", new(interrupted, Started, false, "8_0", Log: log));
            Assert.Equal("failed", resubmitted.State);
            Assert.Contains("different spec", resubmitted.Detail);
        }
        finally { File.Delete(log); }
    }

    [Fact]
    public void The_summary_counts_each_state_and_the_exit_code_says_whether_all_completed()
    {
        RunState S(string state) => new("r", state, "");
        var mixed = new[] { S("failed"), S("completed"), S("running"), S("completed") };
        Assert.Equal("4 runs: 2 completed, 1 running, 1 failed", SweepStatus.Summary(mixed));
        Assert.Equal(3, SweepStatus.ExitCode(mixed));                                        // one still runs: a poller waits
        Assert.Equal(1, SweepStatus.ExitCode([S("failed"), S("completed")]));
        Assert.Equal(3, SweepStatus.ExitCode([S("completed"), S("pending")]));
        Assert.Equal(3, SweepStatus.ExitCode([S("completed"), S("unknown")]));
        Assert.Equal(4, SweepStatus.ExitCode([S("completed"), S("interrupted")]));          // nothing will continue it by itself
        Assert.Equal(4, SweepStatus.ExitCode([S("not started")]));
        Assert.Equal(0, SweepStatus.ExitCode([S("completed")]));
        Assert.Equal("1 run: 1 completed", SweepStatus.Summary([S("completed")]));
    }

    [Fact]
    public void The_analysis_job_is_pending_running_completed_or_failed_and_counts_in_the_exit_code()
    {
        var log = Path.GetTempFileName();
        try
        {
            Assert.Equal("pending", SweepStatus.ClassifyAnalysis("9", "PENDING", null, log).State);
            Assert.Equal("running", SweepStatus.ClassifyAnalysis("9", "RUNNING", null, log).State);
            File.WriteAllText(log, "task  loss\n   0  0.1\n");
            Assert.Equal("completed", SweepStatus.ClassifyAnalysis("9", null, () => "COMPLETED (exit 0:0)", log).State);
            Assert.Equal("completed", SweepStatus.ClassifyAnalysis("9", null, () => null, log).State);   // Slurm forgot the job
            File.AppendAllText(log, "error: analysis table 'final': Binder Error: column \"los\" not found\n");
            var failed = SweepStatus.ClassifyAnalysis("9", null, () => "FAILED (exit 1:0)", log);
            Assert.Equal("failed", failed.State);
            Assert.Contains("FAILED", failed.Detail);
            Assert.Contains("column \"los\" not found", failed.Detail);
            Assert.Equal("failed", SweepStatus.ClassifyAnalysis("9", null, () => null, log).State);   // the log says so
            // A cancelled analysis job was stopped, not failed (exit 4, as for a stopped analysis), and says what writes it.
            var stopped = SweepStatus.ClassifyAnalysis("9", null, () => "CANCELLED (exit 0:0)", null);
            Assert.Equal(("interrupted", "cancelled (CANCELLED (exit 0:0)) before it ended: `pipeline analyze` on the sweep writes its tables"),
                (stopped.State, stopped.Detail));
            Assert.Equal(SweepStatus.Stopped, SweepStatus.ExitCode([new RunState("r", "completed", "")], stopped));
            Assert.Equal("analysis (job 9): failed: " + failed.Detail, SweepStatus.Line(failed));
        }
        finally { File.Delete(log); }

        RunState[] done = [new("r", "completed", "")];
        Assert.Equal(3, SweepStatus.ExitCode(done, new("9", "pending", "")));
        Assert.Equal(1, SweepStatus.ExitCode(done, new("9", "failed", "")));
        Assert.Equal(0, SweepStatus.ExitCode(done, new("9", "completed", "")));
        Assert.Equal(3, SweepStatus.ExitCode([new("r", "failed", "")], new("9", "pending", "")));   // the analysis still runs
        Assert.Equal(1, SweepStatus.ExitCode([new("r", "failed", "")], new("9", "completed", "")));
        Assert.Equal(1, SweepStatus.ExitCode([new("r", "interrupted", "")], new("9", "failed", "")));
        // squeue could not be asked: a job without a log is unknown, not failed.
        Assert.Equal("unknown", SweepStatus.ClassifyAnalysis("9", null, null, null, schedulerAnswered: false).State);
    }

    [Fact]
    public void The_latest_analysis_is_the_jobs_while_it_is_queued_else_the_outcome_recorded_after_the_submission()
    {
        var submitted = new DateTime(2026, 12, 1, 10, 0, 0, DateTimeKind.Utc);
        static Retention.Analysis.AnalysisOutcome Outcome(string state, DateTime at, string? error = null) => new(state, error, at.ToString("o"));
        AnalysisState failedJob = new("9", "failed", "ended without a log (cancelled before it started?); run `pipeline analyze` on the sweep");

        // The user did as told: `analyze` succeeded after the job failed, so the sweep's analysis is done.
        var fixedByHand = SweepStatus.Latest(failedJob, submitted, Outcome("completed", submitted.AddHours(2)));
        Assert.Equal("completed", fixedByHand!.State);
        Assert.Null(fixedByHand.Job);
        Assert.Equal(0, SweepStatus.ExitCode([new("r", "completed", "")], fixedByHand));
        Assert.StartsWith("analysis: completed: tables and plots in analysis/ (2026-12-01 12:00:00 UTC)", SweepStatus.Line(fixedByHand));
        // Read while runs have not all completed, the same analysis says it holds their rows so far; its state stands.
        var partial = SweepStatus.OfRuns(fixedByHand, [new("r", "completed", ""), new("s", "interrupted", ""), new("t", "running", "")]);
        Assert.EndsWith("UTC); 2 runs not completed: its tables hold the rows they had written by then",
            SweepStatus.Line(partial!));
        Assert.Equal("completed", partial!.State);
        Assert.Same(fixedByHand, SweepStatus.OfRuns(fixedByHand, [new("r", "completed", "")]));
        Assert.Same(failedJob, SweepStatus.OfRuns(failedJob, [new("s", "interrupted", "")]));
        // An outcome from before this submission is an earlier analysis's: the job's state stands.
        Assert.Same(failedJob, SweepStatus.Latest(failedJob, submitted, Outcome("completed", submitted.AddHours(-1))));
        // A job that completed, as its own `analyze` recorded: the job's line, naming it.
        AnalysisState completedJob = new("9", "completed", "tables and plots in analysis/");
        Assert.Same(completedJob, SweepStatus.Latest(completedJob, submitted, Outcome("completed", submitted.AddMinutes(5))));
        // A job still queued or running will write the tables again, whatever an earlier outcome says.
        AnalysisState pending = new("9", "pending", "");
        Assert.Same(pending, SweepStatus.Latest(pending, submitted, Outcome("completed", submitted.AddHours(2))));
        // The scheduler could not be asked, but the job's own `analyze` recorded how it ended: status need not wait for ever.
        Assert.Equal("completed", SweepStatus.Latest(new("9", "unknown", ""), submitted, Outcome("completed", submitted.AddMinutes(5)))!.State);
        // A local run: no job, the outcome alone; none of either, no analysis line.
        var local = SweepStatus.Latest(null, null, Outcome("failed", submitted, "analysis table 'bad': Conversion Error"));
        Assert.Equal("analysis: failed: analysis table 'bad': Conversion Error", SweepStatus.Line(local!));
        Assert.Equal(1, SweepStatus.ExitCode([new("r", "completed", "")], local));
        Assert.Null(SweepStatus.Latest(null, null, null));
    }

    /// <summary>The array's tasks all cancelled while pending: the analysis job still runs after them, over no run, and fails;
    /// the sweep is left with runs not started (exit 4: resubmit), not failed.</summary>
    [Fact]
    public void An_analysis_job_that_failed_over_no_started_run_is_not_run_and_fails_nothing()
    {
        RunState[] cancelled = [new("a", "not started", "job 11_0 was cancelled before it started; resubmit to train it"),
                                new("b", "not started", "job 11_1 was cancelled before it started; resubmit to train it")];
        var failed = new AnalysisState("12", "failed", "/s/pipeline.yaml:48:12: analysis table 'final': the runs write table 'metrics', but none has written it yet");
        var said = SweepStatus.OfRuns(failed, cancelled);
        Assert.Equal(new AnalysisState("12", "not run", "no run had started, so there was nothing to analyse; a resubmission trains the runs and analyses them after"), said);
        Assert.Equal(SweepStatus.Stopped, SweepStatus.ExitCode(cancelled, said));
        // Where a run did start, the analysis's failure is the sweep's.
        RunState[] started = [cancelled[0], new("b", "interrupted", "stopped at step 5; resubmit (or run --resume) to continue")];
        Assert.Same(failed, SweepStatus.OfRuns(failed, started));
        Assert.Equal(1, SweepStatus.ExitCode(started, failed));
    }

    /// <summary>A failed analysis job is said as its analysis recorded the failure (which explains a table no run has
    /// written yet, as `analyze` does), not by its log's last error line, DuckDB's bare message.</summary>
    [Fact]
    public void A_failed_analysis_job_says_the_error_its_analysis_recorded()
    {
        var submitted = new DateTime(2026, 12, 1, 10, 0, 0, DateTimeKind.Utc);
        AnalysisState job = new("9", "failed", "ended FAILED (exit 1:0): error: /s/pipeline.yaml:33:10: analysis table 'final': Catalog Error: " +
                                               "Table with name metrics does not exist!");
        const string explained = "analysis table 'final': the runs write table 'metrics', but none has written it yet: a run writes its tables ...";
        var recorded = new Retention.Analysis.AnalysisOutcome("failed", explained, submitted.AddMinutes(3).ToString("o"));
        Assert.Equal(new AnalysisState("9", "failed", explained), SweepStatus.Latest(job, submitted, recorded));
        // Where the analysis knew the failed step's position, said before it, as the job's `analyze` said it.
        Assert.Equal(new AnalysisState("9", "failed", "/s/pipeline.yaml:33:10: " + explained),
            SweepStatus.Latest(job, submitted, recorded with { At = "/s/pipeline.yaml:33:10" }));
        // An outcome from before the submission is an earlier analysis's: the job's own line stands.
        Assert.Same(job, SweepStatus.Latest(job, submitted, recorded with { Finished = submitted.AddHours(-1).ToString("o") }));
    }
}
