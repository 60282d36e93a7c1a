using System.Diagnostics;
using System.Text.Json;
using Retention.Tests.Host;
using Retention.Tests.Pipeline;

namespace Retention.Tests.Cluster;

/// <summary>
/// `pipeline submit --slurm` and `pipeline status` against a real Slurm (see <see cref="LocalSlurm"/>),
/// through the CLI as a user meets them: the array completes with its analysis and its tables equal a
/// local run's; a task warned by the scheduler checkpoints, requeues itself and resumes bit for bit; a
/// failing task shows in `status` at once with its error, and a resubmission trains only it.
/// </summary>
[Collection("slurm")]
public sealed class SlurmSweepTests(LocalSlurm cluster) : InTempFolder("slurm-sweep-")
{
    static readonly TimeSpan Limit = TimeSpan.FromMinutes(6);
    readonly LocalSlurm cluster = cluster;   // started before the tests, stopped after them

    (int Exit, string Out, string Err) Pipeline(params string[] args) => CliProcess.Run(dir, Limit, args);

    /// <summary>Polls `pipeline status` until <paramref name="done"/> accepts its output; fails with the output and the task logs.
    /// With <paramref name="ready"/>, a file check that <paramref name="done"/> needs to hold as well (the analysis's table, say),
    /// status is asked only once that holds: each status is a process of its own, and asked twice a second through a whole sweep
    /// they took a good part of a 2-core machine from the tasks they waited for.</summary>
    (int Exit, string Out) WaitForStatus(string sweep, Func<int, string, bool> done, string what, Func<bool>? ready = null)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            bool asked = ready is null || ready() || clock.Elapsed > Limit;
            var (exit, output, err) = asked ? Pipeline("status", sweep) : (0, "", "");
            if (asked && done(exit, output)) return (exit, output);
            if (clock.Elapsed > Limit)
                throw new TimeoutException($"no {what} within {Limit}; status (exit {exit}):\n{output}{err}\n{Logs(sweep)}\n" +
                                           LocalSlurm.Bash("squeue; tail -5 $(dirname $SLURM_CONF)/slurmctld.log").Output);
            Thread.Sleep(asked ? 500 : 100);
        }
    }

    static string Logs(string sweep) =>
        string.Join("\n", Directory.EnumerateFiles(Path.Combine(sweep, "slurm"), "*.out", SearchOption.AllDirectories).Order()
            .Select(f => $"--- {f}\n{File.ReadAllText(f)}"));

    static bool AnalysisDone(string sweep, string table) => File.Exists(Path.Combine(sweep, "analysis", table + ".arrow"));

    static string Rows(string sweep, string sql) => SweepRows.Of(sweep, sql);


    [Fact]
    public void An_olmo_sweep_of_two_sizes_and_two_seeds_completes_with_its_analysis_and_a_warned_task_resumes_bit_for_bit()
    {
        TinyCorpus.WriteShard(dir);
        File.WriteAllText(Path.Combine(dir, "olmo.yaml"), string.Join('\n', [.. TinyCorpus.SmallOlmoSweep("{olmo.hidden: [16, 32], seed: [0, 1]}", steps: 1000),
            "analysis:",
            "  tables:",
            "    - {name: final, sql: 'SELECT run, max(step) AS steps, arg_max(loss, step) AS loss FROM train GROUP BY run ORDER BY run'}"]) + "\n");
        var submitted = Pipeline("submit", "olmo.yaml", "--slurm", "--max-parallel", "2", "--artifacts", "cluster", "--signal-lead", "60");
        Assert.True(submitted.Exit == 0, submitted.Err + submitted.Out);
        Assert.Contains("submitted 4 tasks for 4 runs", submitted.Out);
        var sweep = Path.Combine(dir, "cluster", "olmo");

        // Warn task 0 as a time limit would (SIGUSR1 to the batch shell) once it is past its first checkpoint.
        var job = System.Text.RegularExpressions.Regex.Match(submitted.Out, @"as job (\d+)").Groups[1].Value;
        var first = Path.Combine(sweep, "runs", "hidden-16_seed-0");
        var clock = Stopwatch.StartNew();
        while (SavedCheckpoint.Step(first) < 200)
        {
            Assert.True(clock.Elapsed < Limit, $"task 0 never reached step 200:\n{Logs(sweep)}");
            Thread.Sleep(50);
        }
        // Straight to the batch shell, once, as slurmd delivers `--signal=B:USR1`: `scancel --batch --signal`
        // would do too, but it retries while other tasks of the array are pending and so warns the next attempt again.
        var signal = LocalSlurm.Bash($"kill -USR1 $(scontrol listpids $(squeue -h -j {job}_0 -o %A) | awk '$3 == \"batch\" && $4 == \"0\" {{print $1}}')");
        Assert.True(signal.Exit == 0, $"kill exit {signal.Exit}: {signal.Output}\n{Logs(sweep)}");

        var (exit, status) = WaitForStatus(sweep, (e, o) => e == 0 && AnalysisDone(sweep, "final"), "completed sweep with its analysis",
            () => AnalysisDone(sweep, "final"));
        Assert.Contains("4 runs: 4 completed", status);
        Assert.Contains("): completed: tables and plots in analysis/", status);   // the analysis job's line
        var log = File.ReadAllText(Directory.GetFiles(Path.Combine(sweep, "slurm", "submit-1", "logs"), $"{job}_0.out").Single());
        Assert.Contains("requeueing", log);
        Assert.Contains("attempt 2", log);
        // It checkpointed at the step it had reached when warned, and continued there.
        var stoppedAt = System.Text.RegularExpressions.Regex.Match(log, @"stopped at step (\d+); checkpoint saved").Groups[1].Value;
        Assert.InRange(long.Parse(stoppedAt), 200, 999);
        Assert.Contains($"resuming from the checkpoint at step {stoppedAt}", log);
        var provenance = JsonDocument.Parse(File.ReadAllText(Path.Combine(first, "provenance.json"))).RootElement;
        Assert.True(provenance.GetProperty("attempt").GetInt32() == 2, provenance + "\n" + log + "\n" + File.ReadAllText(Path.Combine(sweep, "slurm", "submit-1", "requeues.log")));
        Assert.Equal($"{job}_0", provenance.GetProperty("slurm_job").GetString());

        // Every table of every run equals a local, uninterrupted run's.
        var local = Pipeline("run", "olmo.yaml", "--artifacts", "local", "--jobs", "2");
        Assert.True(local.Exit == 0, local.Err + local.Out);
        var localSweep = Path.Combine(dir, "local", "olmo");
        foreach (var sql in new[] {
            "SELECT run, step, loss, lr, grad_norm, tokens FROM train ORDER BY run, step",
            "SELECT run, step, validation_loss FROM eval ORDER BY run, step",
            "SELECT run, step, task, split, loss, accuracy FROM task_metrics ORDER BY run, step, task, split",
            "SELECT run, step, row, \"offset\", task, instance_id FROM injections ORDER BY run, step, row, \"offset\"",
            "SELECT * FROM data_quality ORDER BY ALL",
            "SELECT * FROM final ORDER BY run" })
            Assert.Equal(Rows(localSweep, sql), Rows(sweep, sql));
    }

    [Fact]
    public void A_failing_task_shows_in_status_at_once_and_a_resubmission_trains_only_it()
    {
        // 8,000 steps a run (~5 s with its start on a 2-core machine): the other two tasks, one at a time, outlast the
        // first status polls after task 0 fails.
        File.WriteAllText(Path.Combine(dir, "syn.yaml"), string.Join('\n',
            "name: syn", "synthetic: {tasks: 6, dims_per_task: 4, width: 3}",
            "train: {steps: 8000, batch_size: 16, log_every: 500}",
            "sweep: {train.lr: [0.003, 0.002, 0.001]}",
            "analysis:",
            "  tables:",
            "    - {name: final, sql: 'SELECT run, max(step) AS steps FROM metrics GROUP BY run ORDER BY run'}") + "\n");
        // A fault in the way of the first task only: its run directory's name is taken by a file.
        var sweep = Path.Combine(dir, "cluster", "syn");
        var blocked = Path.Combine(sweep, "runs", "lr-0.003");
        Directory.CreateDirectory(Path.GetDirectoryName(blocked)!);
        File.WriteAllText(blocked, "in the way");
        var submitted = Pipeline("submit", "syn.yaml", "--slurm", "--max-parallel", "1", "--artifacts", "cluster");
        Assert.True(submitted.Exit == 0, submitted.Err + submitted.Out);

        // Task 0 fails at once: status says so, with the error, while the others are still to run (exit 3: a poller waits).
        var (exit, status) = WaitForStatus(sweep, (e, o) => o.Contains("failed"), "failed task");
        Assert.Equal(3, exit);
        var failedLine = status.Split('\n').Single(l => l.Contains("lr-0.003"));
        Assert.Contains("failed", failedLine);
        Assert.Contains("lr-0.003", failedLine);
        Assert.Contains("error:", failedLine);
        Assert.Matches(@"lr-0\.00[12]\s+(pending|running)", status);

        (exit, status) = WaitForStatus(sweep, (e, o) => !o.Contains("pending") && !o.Contains("running") && AnalysisDone(sweep, "final"), "the array's end",
            () => AnalysisDone(sweep, "final"));
        Assert.Equal(1, exit);
        Assert.Contains("3 runs: 2 completed, 1 failed", status);
        var kept = Directory.GetFiles(Path.Combine(sweep, "runs", "lr-0.002"), "*.arrow").ToDictionary(f => f, File.GetLastWriteTimeUtc);

        // Fix the fault and submit again: only the failed run is trained.
        File.Delete(blocked);
        var again = Pipeline("submit", "syn.yaml", "--slurm", "--artifacts", "cluster");
        Assert.True(again.Exit == 0, again.Err + again.Out);
        Assert.Contains("submitted 1 task for 1 run (2 completed earlier, kept)", again.Out);
        File.Delete(Path.Combine(sweep, "analysis", "final.arrow"));
        (exit, status) = WaitForStatus(sweep, (e, o) => e == 0 && AnalysisDone(sweep, "final"), "completed sweep after the resubmission",
            () => AnalysisDone(sweep, "final"));
        Assert.Contains("3 runs: 3 completed", status);
        Assert.All(kept, f => Assert.Equal(f.Value, File.GetLastWriteTimeUtc(f.Key)));   // the completed runs were not trained again

        var local = Pipeline("run", "syn.yaml", "--artifacts", "local");
        Assert.True(local.Exit == 0, local.Err + local.Out);
        foreach (var sql in new[] { "SELECT run, step, task, loss, signal FROM metrics ORDER BY run, step, task", "SELECT * FROM final" })
            Assert.Equal(Rows(Path.Combine(dir, "local", "syn"), sql), Rows(sweep, sql));
    }

    [Fact]
    public void A_cancelled_task_is_left_interrupted_and_a_resubmission_continues_it_bit_for_bit()
    {
        // Two seeds of one width train together: one task, one group.
        var (sweep, job, submitted) = SubmitGroup(12000);
        Assert.Contains("submitted 1 task for 2 runs", submitted.Out);
        // group.yaml has no analysis section: no analysis job after the array (one ran `analyze`, writing only its outcome).
        Assert.Contains("\nno analysis job: the pipeline declares no analysis; query the runs once they end", submitted.Out);
        // Cancelled a second after the group opened its tables: mid-training (~2,400 steps/s on a 2-core machine), steps taken.
        WaitForTraining(sweep);
        Thread.Sleep(1000);

        // scancel sends SIGTERM to every process of the job: the program stops once, checkpoints, and is left interrupted.
        var cancel = LocalSlurm.Bash($"scancel {job}");
        Assert.True(cancel.Exit == 0, cancel.Output);
        var (exit, status) = WaitForStatus(sweep, (e, o) => !o.Contains("running") && !o.Contains("pending"), "the cancelled task's end");
        Assert.True(exit == 4, status + Logs(sweep));   // nothing queued will continue them: resubmit
        Assert.Contains("2 runs: 2 interrupted", status);
        Assert.DoesNotContain("analysis", status);
        Assert.Empty(Directory.GetFiles(Path.Combine(sweep, "slurm"), "analysis*", SearchOption.AllDirectories));   // no script, no job log
        var log = Logs(sweep);
        Assert.Contains("SIGTERM: the program stops", log);
        Assert.DoesNotContain("stopped at once", log);
        Assert.DoesNotContain("requeueing", log);
        var stopped = PipelineRunnerStatus(Path.Combine(sweep, "runs", "seed-0"));
        Assert.InRange(stopped, 1, 11_999);

        // Submitted again, it continues from the stop's checkpoint; the tables equal an uninterrupted run's.
        var again = Pipeline("submit", "group.yaml", "--slurm", "--artifacts", "cluster");
        Assert.True(again.Exit == 0, again.Err + again.Out);
        Assert.Contains("submitted 1 task for 2 runs", again.Out);
        WaitForStatus(sweep, (e, o) => e == 0, "completed sweep after the resubmission");
        Assert.Contains($"resuming from the checkpoint at step {stopped}", Logs(sweep));
        var local = Pipeline("run", "group.yaml", "--artifacts", "local");
        Assert.True(local.Exit == 0, local.Err + local.Out);
        foreach (var sql in new[] { "SELECT run, step, task, loss, signal FROM metrics ORDER BY run, step, task", "SELECT run, step, lr FROM train ORDER BY run, step" })
            Assert.Equal(Rows(Path.Combine(dir, "local", "group"), sql), Rows(sweep, sql));
    }

    [Fact]
    public void A_task_requeued_by_slurm_says_its_attempt_while_it_waits_and_after_it_resumes()
    {
        // Two seeds of one width train together: one task, one group, ~10-20 s of training on a 2-core machine (the
        // requeue comes a second in; attempt 2 trains the rest, long enough for status to see it running).
        var (sweep, job, _) = SubmitGroup(10000);
        WaitForTraining(sweep);
        Thread.Sleep(1000);

        // Requeued by Slurm, as preemption does (requeues.log, the script's own, lists none): SIGTERM to the job's
        // processes, the program checkpoints, and the task waits (10 s on the test cluster) to start attempt 2.
        var requeue = LocalSlurm.Bash($"scontrol requeue {job}_0");
        Assert.True(requeue.Exit == 0, requeue.Output);
        var seen = new List<string>();
        WaitForStatus(sweep, (e, o) =>
        {
            seen.Add(o.Split('\n').Select(l => l.Trim()).Single(l => l.StartsWith("seed-0 ", StringComparison.Ordinal)));
            return e == 0;
        }, "completed sweep after the requeue");
        var all = string.Join('\n', seen) + "\n" + Logs(sweep);
        // While it waits: the attempt it will be and the requeue the scheduler counts (it said "0 requeues").
        Assert.True(seen.Any(l => System.Text.RegularExpressions.Regex.IsMatch(l, @"requeued\s+job \d+_0 waits to continue from step [\d,]+ as attempt 2 \(1 requeue[;)]")), all);
        // Once it runs again, attempt 2 in every line, and none of an earlier attempt's (its log's first line, say).
        var running = seen.SkipWhile(l => !l.Contains("requeued")).Where(l => l.Contains("running")).ToList();
        Assert.True(running.Count > 0, all);
        Assert.All(running, l => Assert.Contains($"job {job}_0, attempt 2: ", l));
        Assert.All(running, l => Assert.DoesNotContain("pipeline task", l));
        Assert.Contains("resuming from the checkpoint at step", Logs(sweep));
    }

    [Fact]
    public void A_task_killed_before_its_tables_leaves_an_analysis_job_whose_failure_status_explains()
    {
        // One group, far longer than the test: killed before it writes metrics (at its first checkpoint or its end).
        var (sweep, job, _) = SubmitGroup(400000, "analysis:",
            "  tables:",
            "    - {name: final, sql: 'SELECT run, max(step) AS steps FROM metrics GROUP BY run ORDER BY run'}");
        WaitForTraining(sweep);
        // SIGKILL to the program (the batch shell's child: no local id), as the kernel's OOM killer or KillWait's end does.
        var kill = LocalSlurm.Bash($"kill -9 $(scontrol listpids $(squeue -h -j {job}_0 -o %A) | awk '$3 == \"batch\" && $4 == \"-\" {{print $1}}')");
        Assert.True(kill.Exit == 0, $"kill exit {kill.Exit}: {kill.Output}\n{Logs(sweep)}");

        var (exit, status) = WaitForStatus(sweep, (e, o) => e != Retention.Cluster.SweepStatus.NotFinished && o.Contains("analysis (job"), "the analysis job's end");
        Assert.Equal(1, exit);
        var analysis = status.Split('\n').Single(l => l.StartsWith("analysis", StringComparison.Ordinal));
        // What the analysis's log says after DuckDB's error, and `analyze` too: status says it the same way.
        const string note = "the runs write table 'metrics', but none has written it yet";
        Assert.Contains($"note: {note}", Logs(sweep));
        Assert.Matches($@"^analysis \(job \d+\): failed: \S*pipeline\.yaml:\d+:\d+: analysis table 'final': {note}: ", analysis);
        Assert.DoesNotContain("Catalog Error", analysis);
        // The killed run is said with what the scheduler's "exit 137:0" means, not only the code.
        var killed = status.Split('\n').Select(l => l.Trim()).Single(l => l.StartsWith("seed-0 ", StringComparison.Ordinal));
        Assert.Matches($@"failed\s+job {job}_0 ended FAILED \(exit 137:0\): killed by SIGKILL .* without a status; no checkpoint: ", killed);
    }

    /// <summary>Submits group.yaml: two seeds of one width that train together (one task, one group) for
    /// <paramref name="steps"/> steps, with <paramref name="more"/> lines after its sweep; the sweep, the array job's id and
    /// the submission's output.</summary>
    (string Sweep, string Job, (int Exit, string Out, string Err) Submitted) SubmitGroup(int steps, params string[] more)
    {
        File.WriteAllText(Path.Combine(dir, "group.yaml"), string.Join('\n', [
            "name: group", "synthetic: {tasks: 6, dims_per_task: 4, width: 3}",
            $"train: {{steps: {steps}, batch_size: 16, log_every: 1000}}",
            "sweep: {seed: [0, 1]}", .. more]) + "\n");
        var submitted = Pipeline("submit", "group.yaml", "--slurm", "--artifacts", "cluster");
        Assert.True(submitted.Exit == 0, submitted.Err + submitted.Out);
        return (Path.Combine(dir, "cluster", "group"), System.Text.RegularExpressions.Regex.Match(submitted.Out, @"as job (\d+)").Groups[1].Value, submitted);
    }

    /// <summary>Until the group's first run (seed-0) has opened its tables: its task is training.</summary>
    static void WaitForTraining(string sweep)
    {
        var clock = Stopwatch.StartNew();
        while (!File.Exists(Path.Combine(sweep, "runs", "seed-0", "metrics.arrow.tmp")))
        {
            Assert.True(clock.Elapsed < Limit, $"the task never started training:\n{Logs(sweep)}");
            Thread.Sleep(50);
        }
    }

    /// <summary>The step a run's status.json says it ended at.</summary>
    static long PipelineRunnerStatus(string runDir) => Retention.Pipeline.PipelineRunner.ReadStatus(runDir)?.Steps ?? -1;
}
