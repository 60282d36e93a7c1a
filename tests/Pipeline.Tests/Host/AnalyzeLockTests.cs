using System.Text.RegularExpressions;
using Retention.Artifacts;

namespace Retention.Tests.Host;

/// <summary>`pipeline analyze` holds the sweep while it writes analysis/: a `run` started meanwhile would move runs/ and
/// analysis/ aside, and the analysis would then write the earlier runs' tables into the new sweep. `status` does not
/// take an analysis's hold for training.</summary>
public class AnalyzeLockTests() : InTempFolder("analyze-lock-")
{
    static readonly TimeSpan Limit = TimeSpan.FromMinutes(2);

    string Sweep => Path.Combine(dir, "artifacts", "syn");

    void Train()
    {
        File.WriteAllText(Path.Combine(dir, "syn.yaml"), string.Join('\n',
            "name: syn", "synthetic: {tasks: 4, dims_per_task: 2, width: 2}",
            "train: {steps: 200, batch_size: 8, log_every: 100}",
            "sweep: {train.lr: [0.003, 0.001]}",
            "analysis: {tables: [{name: final, sql: 'SELECT run, max(step) AS steps FROM metrics GROUP BY run'}]}") + "\n");
        var run = CliProcess.Run(dir, Limit, "run", "syn.yaml");
        Assert.True(run.Exit == 0, run.Err + run.Out);
    }

    [Fact]
    public void Analyze_holds_the_sweep_for_its_analysis()
    {
        Train();
        var analyze = CliProcess.Run(dir, Limit, "analyze", Sweep);
        Assert.True(analyze.Exit == 0, analyze.Err + analyze.Out);
        // The holder's line stays after the lock is released: it names the analyze process and what it held the sweep for.
        var owner = File.ReadAllText(Path.Combine(Sweep, SweepLock.FileName + ".owner"));
        Assert.EndsWith("(analysis)\n", owner);
        Assert.DoesNotContain($"pid {Environment.ProcessId} ", owner);
    }

    [Fact]
    public void While_an_analysis_holds_the_sweep_a_run_is_refused_and_status_says_no_run_is_running()
    {
        Train();
        // One run killed mid-training: no status.json, its start recorded.
        var killed = Path.Combine(Sweep, "runs", "lr-0.001");
        File.Delete(Path.Combine(killed, "status.json"));
        var runsBefore = Directory.GetDirectories(Path.Combine(Sweep, "runs")).Order().ToList();

        using (SweepLock.Acquire(Sweep, SweepLock.ForAnalysis))
        {
            var run = CliProcess.Run(dir, Limit, "run", "syn.yaml");
            Assert.Equal(1, run.Exit);
            Assert.Contains("is in use by another pipeline process", run.Err);
            Assert.Contains("(analysis)", run.Err);
            Assert.Equal(runsBefore, Directory.GetDirectories(Path.Combine(Sweep, "runs")).Order().ToList());   // nothing moved aside
            Assert.False(Directory.Exists(Path.Combine(Sweep, "previous")));

            var status = CliProcess.Run(dir, Limit, "status", Sweep);
            var killedLine = status.Out.Split('\n').Single(l => l.Contains("lr-0.001"));
            Assert.DoesNotContain("running", killedLine);
            Assert.Contains("interrupted", killedLine);
            Assert.True(status.Out.Contains($"analysis: running: pipeline analyze (pid {Environment.ProcessId} "), status.Out);
            Assert.Equal(3, status.Exit);   // a poller waits for the analysis

            var second = CliProcess.Run(dir, Limit, "analyze", Sweep);
            Assert.Equal(1, second.Exit);
            Assert.Contains("(analysis)", second.Err);
            // analyze takes no --artifacts: the hint a trainer gets ("or write elsewhere with --artifacts DIR") is not given.
            Assert.EndsWith("(analysis)); wait for it to finish (`pipeline status` shows it), then analyze again", second.Err.Trim());
        }
        // The same hold for training: status says the run is running (what the analysis's hold must not be taken for).
        using (SweepLock.Acquire(Sweep))
            Assert.Contains("running", CliProcess.Run(dir, Limit, "status", Sweep).Out.Split('\n').Single(l => l.Contains("lr-0.001")));
    }

    /// <summary>README "Exit codes": analyze of a sweep a `pipeline run` is training (it holds the sweep's lock), or whose run
    /// a cluster task holds, exits 1 with one line naming the folder and the holder, and writes nothing.</summary>
    [Fact]
    public void Analyze_of_a_sweep_being_trained_exits_1_naming_the_folder_and_the_holder()
    {
        Train();
        var table = File.ReadAllBytes(Path.Combine(Sweep, "analysis", "final.arrow"));
        var since = @" since \d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ";
        var tail = "; its analysis runs when its runs end (`pipeline status` shows how far they are), or analyze after it";
        using (SweepLock.Acquire(Sweep))   // as `pipeline run` holds it while it trains: no purpose in the holder's line
        {
            var refused = CliProcess.Run(dir, Limit, "analyze", Sweep);
            Assert.Equal(1, refused.Exit);
            Assert.Equal("", refused.Out);
            Assert.Matches("^error: " + Regex.Escape($"{Sweep} is being trained by another pipeline process (pid {Environment.ProcessId} on {Environment.MachineName}")
                + since + Regex.Escape(")" + tail) + "$", refused.Err.TrimEnd('\n'));
        }
        // A run held by a cluster task: the run and its holder.
        using (SweepLock.AcquireAll([Path.Combine(Sweep, "runs", "lr-0.001")]))
        {
            var refused = CliProcess.Run(dir, Limit, "analyze", Sweep);
            Assert.Equal(1, refused.Exit);
            Assert.Matches("^error: " + Regex.Escape($"{Sweep} is being trained by another pipeline process (run lr-0.001: pid {Environment.ProcessId} on {Environment.MachineName}")
                + since + Regex.Escape(")" + tail) + "$", refused.Err.TrimEnd('\n'));
        }
        Assert.Equal(table, File.ReadAllBytes(Path.Combine(Sweep, "analysis", "final.arrow")));   // nothing written meanwhile
        Assert.False(SweepLock.IsHeld(Sweep));
    }

    /// <summary>A cluster task holding its run, of a submission whose analysis job sbatch refused after it took the array (`submit`
    /// said so, exit 1): no analysis follows its runs, and the refusal said one would.</summary>
    [Fact]
    public async Task Analyze_of_a_sweep_a_task_trains_whose_submission_queued_no_analysis_job_says_to_analyze_after_it()
    {
        Train();
        var submission = new Retention.Cluster.SlurmSubmission(1, Sweep, Path.Combine(dir, "artifacts"), null, dir,
            [["lr-0.001"], ["lr-0.003"]], new Retention.Cluster.SlurmResources(), "2026-01-01T00:00:00Z", ArrayJobId: "4242");
        Directory.CreateDirectory(submission.Directory);
        await submission.SaveAsync();
        var since = @" since \d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ";
        var held = Regex.Escape($"{Sweep} is being trained by another pipeline process (run lr-0.001: pid {Environment.ProcessId} on {Environment.MachineName}") + since;
        using (SweepLock.AcquireAll([Path.Combine(Sweep, "runs", "lr-0.001")]))
        {
            var refused = CliProcess.Run(dir, Limit, "analyze", Sweep);
            Assert.Equal(1, refused.Exit);
            Assert.Matches("^error: " + held + Regex.Escape($"); its submission ({Path.Combine("slurm", "submit-1")}, array job 4242) queued no " +
                "analysis job: analyze after its runs end (`pipeline status` shows how far they are)") + "$", refused.Err.TrimEnd('\n'));
        }
        // Once its analysis job is recorded, one follows the runs, as before.
        await (submission with { AnalysisJobId = "4243" }).SaveAsync();
        using (SweepLock.AcquireAll([Path.Combine(Sweep, "runs", "lr-0.001")]))
        {
            var refused = CliProcess.Run(dir, Limit, "analyze", Sweep);
            Assert.Equal(1, refused.Exit);
            Assert.Matches("^error: " + held + Regex.Escape("); its analysis runs when its runs end (`pipeline status` shows how far they are), or analyze after it") + "$",
                refused.Err.TrimEnd('\n'));
        }
    }

    /// <summary>A `run --no-analysis` (or a run of a pipeline without an analysis) holding the sweep runs no analysis when its
    /// runs end: the refusal said "its analysis runs when its runs end", and one who waited got none. Its holder's line says so,
    /// and `status` and the refusal still take it for training.</summary>
    [Fact]
    public void Analyze_of_a_sweep_a_run_without_analysis_trains_says_to_analyze_after_it()
    {
        Train();
        var owner = Path.Combine(Sweep, SweepLock.FileName + ".owner");
        var slow = new[] { "--set", "train.steps=2000000", "--set", "train.log_every=1000", "--jobs", "1" };
        // The same sweep, its analysis section left out.
        File.WriteAllLines(Path.Combine(dir, "bare.yaml"), File.ReadAllLines(Path.Combine(dir, "syn.yaml")).Where(l => !l.StartsWith("analysis:")));
        foreach (var (file, args, purpose) in new[] { ("syn.yaml", new[] { "--no-analysis" }, "(training, --no-analysis)"),
                     ("bare.yaml", Array.Empty<string>(), "(training; its pipeline has no analysis)") })
        {
            using var trainer = CliProcess.Start(dir, ["run", file, .. slow, .. args]);
            trainer.WaitUntil(() => File.Exists(owner) && File.ReadAllText(owner).StartsWith($"pid {trainer.Id} ") && SweepLock.IsHeld(Sweep), Limit, "its lock");
            Assert.EndsWith(purpose + "\n", File.ReadAllText(owner));
            trainer.WaitForStep(1000, Limit);   // the sweep's first run, lr-0.003, training (one group at a time)

            var refused = CliProcess.Run(dir, Limit, "analyze", Sweep);
            Assert.Equal(1, refused.Exit);
            Assert.Matches("^error: " + Regex.Escape($"{Sweep} is being trained by another pipeline process (pid {trainer.Id} on {Environment.MachineName}")
                + @" since \d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ" + Regex.Escape($" {purpose}); it runs no analysis of its own: analyze after its runs end " +
                "(`pipeline status` shows how far they are)") + "$", refused.Err.TrimEnd('\n'));

            // `status` takes it for training, as it did before the line said more: the runs are running, no analysis is.
            var status = CliProcess.Run(dir, Limit, "status", Sweep);
            Assert.Contains("running", status.Out.Split('\n').Single(l => l.Contains("lr-0.003")));
            Assert.DoesNotContain("analysis: running", status.Out);
            trainer.KillHard();
        }
        // Held after its runs ended (its last moments), such a run was said to run the analysis: 'analysis: running: the run's own'.
        Assert.Equal(0, CliProcess.Run(dir, Limit, "run", "syn.yaml", "--set", "train.steps=200").Exit);
        using (SweepLock.Acquire(Sweep, "training, --no-analysis"))
            Assert.DoesNotContain("analysis: running", CliProcess.Run(dir, Limit, "status", Sweep).Out);
    }

    [Fact]
    public void An_analysis_killed_before_it_recorded_its_outcome_is_said_interrupted_until_analyze_writes_it_again()
    {
        Train();
        var done = CliProcess.Run(dir, Limit, "status", Sweep);
        Assert.True(done.Exit == 0, done.Out + done.Err);
        Assert.Contains("analysis: completed", done.Out);
        // What a kill leaves: tables written, the record an analysis puts in place of the outcome as it starts.
        Retention.Analysis.AnalysisOutcome.Begin(Sweep);
        var killed = CliProcess.Run(dir, Limit, "status", Sweep);
        Assert.True(killed.Exit == 4, killed.Out + killed.Err);
        Assert.Contains($"analysis: interrupted: it did not end", killed.Out);
        Assert.Contains($"pipeline analyze {Sweep}", killed.Out);
        Assert.True(CliProcess.Run(dir, Limit, "analyze", Sweep).Exit == 0);
        Assert.Equal(0, CliProcess.Run(dir, Limit, "status", Sweep).Exit);
    }

    [Fact]
    public void A_cluster_task_that_takes_its_run_while_analyze_waits_for_the_sweep_is_seen_and_analyze_refused()
    {
        // The race: analyze checked the runs, then took the sweep; a task locking its run between the two (and checking the
        // sweep before analyze held it) trained while analyze wrote. A probe's shared lock on the sweep holds analyze at
        // its Acquire while the run is taken: analyze must see that run once it holds the sweep. The run is taken from
        // SweepLock's contention hook, on analyze's thread between two of its attempts, not after a guessed 500 ms that a
        // loaded machine could stretch past analyze's 2 s of retries (and that found analyze not yet there, where the old
        // order passed too).
        var run = Directory.CreateDirectory(Path.Combine(Sweep, "runs", "lr-0.001")).FullName;
        var probe = new FileStream(Path.Combine(Directory.CreateDirectory(Sweep).FullName, SweepLock.FileName), FileMode.OpenOrCreate,
            FileAccess.Read, FileShare.ReadWrite);
        SweepLock? task = null;
        SweepLock.Contended = dir =>
        {
            if (dir != Sweep || task is not null) return;   // another test's lock, or the run is taken already
            task = SweepLock.Acquire(run);
            probe.Dispose();
        };
        try
        {
            var refused = Assert.Throws<IOException>(() => Retention.Host.Commands.AnalysisHold.Acquire(Sweep, "analyze"));
            Assert.NotNull(task);   // analyze did wait at the sweep's lock
            Assert.Contains("is being trained by another pipeline process", refused.Message);
            Assert.False(SweepLock.IsHeld(Sweep));   // the sweep is not kept held by the refused analysis
        }
        finally
        {
            SweepLock.Contended = null;
            task?.Dispose();
            probe.Dispose();
        }
    }
}
