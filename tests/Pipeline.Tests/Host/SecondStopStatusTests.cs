namespace Retention.Tests.Host;

/// <summary>A second SIGTERM as soon as the first is taken: the run stops at once, before its groups checkpoint. What it
/// says it leaves and what `status` then says agree: runs without a checkpoint train again from step 0 (it said `run --resume` continued the sweep
/// "from them"), and status names a second stop among the causes of a run that ended without a word.</summary>
public class SecondStopStatusTests() : InTempFolder("second-stop-status-")
{
    static readonly TimeSpan Limit = TimeSpan.FromMinutes(3);

    [Fact]
    public void A_second_stop_says_runs_without_a_checkpoint_restart_from_step_0_as_status_then_says()
    {
        // A wind-down that outlasts the wait for the first stop's word: were it over first, the second signal would find the
        // process gone or its handlers removed (a plain SIGTERM's exit 143). Its analysis crosses the logged rows with a long
        // range: instant on the empty tables validation checks it against, seconds on the rows a stopped run has written.
        File.WriteAllText(Path.Combine(dir, "syn.yaml"), "name: syn\nsynthetic: {tasks: 4, dims_per_task: 4, width: 4}\n" +
                                                         "train: {steps: 2000000, batch_size: 32, log_every: 500}\n" +
                                                         "analysis:\n  tables:\n    - name: slow\n" +
                                                         "      sql: SELECT sum(r.i * m.step) AS s FROM metrics m, range(2000000000) r(i)\n");
        using var run = CliProcess.Start(dir, "run", "syn.yaml");
        run.WaitForStep(1, Limit);
        run.Signal(15);
        // The second once the first is taken, not a fixed 50 ms later: on a loaded machine two signals sent before the
        // process ran could merge into one (a pending signal is not queued twice), and the run would wind down whole.
        run.WaitUntil(() => run.Error.Contains("stopping: "), Limit, "the first stop's word");
        run.Signal(15);
        var (exit, _, err) = run.WaitForExit(Limit);
        Assert.True(exit == 130, $"exit {exit}: {err}");
        Assert.Contains("stopped at once: files still being written are left as a kill leaves them: `run --resume` continues each " +
                        "unfinished run from its last checkpoint, from step 0 where it has none yet (`pipeline status SWEEP_DIR` says which)", err);

        var status = CliProcess.Run(dir, Limit, "status", "artifacts/syn");
        Assert.True(status.Exit == 4, status.Out + status.Err);
        var line = status.Out.Split('\n').Single(l => l.TrimStart().StartsWith("default ", StringComparison.Ordinal));
        // Stopped before the wind-down wrote its status (the usual case: with no checkpoint, or one the first stop
        // had just saved), or after it: either way what the run said holds.
        Assert.True(line.Contains("ended without a word (a second Ctrl+C or SIGTERM? a full disk? killed?); ") &&
                    (line.Contains("no checkpoint: run --resume to train it from step 0") || line.Contains("; checkpoint at step "))
                    || line.Contains("stopped at step"), line);
    }
}
