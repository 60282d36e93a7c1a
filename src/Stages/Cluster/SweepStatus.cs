using Retention.Artifacts;
using Retention.Pipeline;

namespace Retention.Cluster;

/// <summary>One run's state in `pipeline status`: pending, will not start, requeued, running, completed, failed,
/// interrupted or not started, with what explains it (the error, the job, the step).</summary>
public sealed record RunState(string Run, string State, string Detail)
{
    /// <summary>Failed only because a table it wrote is missing or unreadable since it completed: it trained to the end.</summary>
    public bool TablesDamaged { get; init; }
}

/// <summary>The analysis job of a submission: pending, running, completed or failed, with what explains it.</summary>
/// <param name="Job">The Slurm job that ran (or runs) it, or null for an analysis that ran in `run` or `analyze`.</param>
public sealed record AnalysisState(string? Job, string State, string Detail);

/// <summary>
/// What is known of one run: what its directory says (status.json when training ended, provenance.json
/// from its start), which submitted task trains it and what the scheduler says of that task.
/// </summary>
/// <param name="EndState">Asks the scheduler how the task ended (only called when the directory cannot tell).</param>
/// <param name="Log">The task's log file, when submitted.</param>
/// <param name="Submitted">A `pipeline submit` of the sweep has a task for the run (<paramref name="Job"/> is set once Slurm
/// gave the job its id): what continues it is a resubmission; a run only a local `pipeline run` trained has none.</param>
/// <param name="StartingAgainAfter">The earlier attempt's end, where the process holding the run took it up after that end
/// (<see cref="Cluster.RunHold.StartedAgain"/>; <paramref name="Ended"/> is then null).</param>
public sealed record RunObservation(
    RunStatus? Ended,
    SweepContract.Provenance? Started,
    bool LockHeld,
    string? Job = null,
    SchedulerTask? Live = null,
    int Requeues = 0,
    Func<string?>? EndState = null,
    string? Log = null,
    bool SchedulerAnswered = true,
    long? CheckpointStep = null,
    string? CheckpointProblem = null,
    string? TablesProblem = null,
    RunStatus? StartingAgainAfter = null,
    bool Submitted = false);

/// <summary>
/// The state of each run of a sweep from its run directories and the scheduler (pure: the observations
/// are gathered by the caller). The scheduler's word wins while it holds the task (pending, running);
/// after that the run directory's: a run writes status.json when it ends, also when it fails, so a
/// failure shows at once. A run that started but wrote no status was killed (out of memory, the node,
/// SIGKILL): the scheduler's end state and the log's last error say why.
/// </summary>
public static class SweepStatus
{
    public static RunState Classify(string run, RunObservation o)
    {
        if (o.Live is { } live)
        {
            string job = $"{live.ArrayJobId}_{live.Task}";
            // The scheduler counts every requeue as it happens, Slurm's own (preemption, `scontrol requeue`) too, which
            // requeues.log (the script's after a warning) never lists; provenance.json and the log learn of the next
            // attempt only once it writes them.
            int requeues = Math.Max(live.Restarts ?? 0, o.Requeues);
            if (live.State is "PENDING" or "REQUEUE_HOLD" or "REQUEUE_FED" or "REQUEUED")
                // Requeued by its own script after a warning, or by Slurm (a node failure): this task started the run before.
            {
                // squeue's reason "None": the scheduler has not looked at the task yet (just submitted or requeued), nothing to say.
                bool reason = live.Reason is not ("None" or "");
                // Pending for a reason Slurm never clears: queued for ever, so no poller should wait on it (ExitCode).
                bool never = SlurmEndState.NeverStarts(live.Reason);
                return requeues > 0 || o.Ended is { State: "interrupted" } || o.Started?.SlurmJob == job
                    ? new(run, never ? WillNotStart : "requeued", $"job {job} waits to continue{StepOf(o.Ended)} as attempt {requeues + 1} " +
                        $"({Messages.Counted.Of(requeues, "requeue")}{(reason ? $"; {(never ? SlurmEndState.ExplainPending(live.Reason) : live.Reason)}" : "")})")
                    : new(run, never ? WillNotStart : "pending", $"job {job} queued{(reason ? $" ({SlurmEndState.ExplainPending(live.Reason)})" : "")}");
            }
            var log = TaskLog.Read(o.Log);
            int attempt = live.Restarts is { } restarts ? restarts + 1
                : Math.Max(log.Attempt ?? 1, o.Started?.SlurmJob == job ? o.Started.Attempt : 1);
            // The attempt that ends was requeued already (Slurm counts it while the processes wind down).
            if (live.State == "COMPLETING" && log.Attempt < attempt)
                return new(run, "requeued", $"job {job}: attempt {log.Attempt} is ending; attempt {attempt} will continue{StepOf(o.Ended)} ({Messages.Counted.Of(requeues, "requeue")})");
            // Only the current attempt's own words: the log's lines before its first line are an earlier attempt's. No log
            // yet (the node's prolog, a shared file system slow to show it) is starting too.
            string now = log.Attempt < attempt || log.LastLine is not { } line ? ": starting" : $": {line}";
            return new(run, "running", $"job {job}, attempt {attempt}{now}");
        }
        // squeue failed (the controller restarting, say): a submitted task's state is unknown, not "left the queue".
        if (!o.SchedulerAnswered && o.Job is not null && o.Ended is not { State: "completed" } && !o.LockHeld)
            return new(run, "unknown", $"job {o.Job}: the scheduler could not be asked; try again");
        // A run left interrupted whose resubmitted task then failed before training (its log says why): the
        // status.json is the earlier attempt's.
        if (o.Ended is { State: "interrupted" } && o.Job is not null && LastLine(o.Log, IsError) is { Length: > 0 } taskError)
            return new(run, "failed", $"job {o.Job}{taskError}");
        // Completed, but a table it wrote is gone or unreadable since: the analysis would leave its rows out.
        if (o.Ended is { State: "completed" } && o.TablesProblem is { } damage)
            // A status with no list of its tables (an earlier version's) is checked against this version's, which that version
            // may never have written: then nothing restores it, and training it again (the second remedy) is what writes it.
            return new(run, "failed", $"completed, but {damage} now{(o.Ended.Tables is null ? " (or never written: its status.json, an earlier version's, lists no tables)" : "")}: " +
                $"restore it, or delete the run's directory and {Continue(o)} to train it again") { TablesDamaged = true };
        if (o.Ended is { } ended)
            return ended.State switch
            {
                "completed" when ended.FromStep > 0 => new(run, "completed", $"{Steps(ended.Steps)}, the last {ended.AttemptSteps:N0} in {Duration(ended.Seconds)}"),
                "completed" => new(run, "completed", $"{Steps(ended.Steps)} in {Duration(ended.Seconds)}"),
                "failed" => new(run, "failed", ended.Error ?? "(no message)"),
                // Its checkpoint damaged or copied in part since it stopped: the resume it was told to run fails on it.
                "interrupted" when o.CheckpointProblem is not null => new(run, "interrupted", $"stopped at step {ended.Steps:N0}; {Resumable(o)}"),
                "interrupted" => new(run, "interrupted", $"stopped at step {ended.Steps:N0}; {Continue(o)} to continue"),
                _ => new(run, "failed", ended.Error is { } why ? $"{ended.State}: {why}" : $"{ended.State} at step {ended.Steps:N0}"),
            };
        // Held by a process that took the run up after its earlier attempt ended (RunHold.StartedAgain): that end is not final.
        if (o.LockHeld && o.StartingAgainAfter is { } earlier)
            return new(run, "running", $"starting again (its attempt before ended {earlier.State} at step {earlier.Steps:N0}); " +
                "this attempt writes its own end");
        if (o.Started is { } started)
        {
            if (o.LockHeld) return new(run, "running", $"since {started.Started} on {started.Host} (pid {started.ProcessId})");
            // A kill leaves no status (a resumed attempt removed the earlier one at its start), but a checkpoint says where it stands.
            if (o.Job is not null && Failure(o) is { } why)
                return new(run, "failed", $"job {o.Job} ended{why}; the run ended without a status; {Resumable(o)}");
            return new(run, "interrupted", $"started {started.Started} on {started.Host}, ended without a word (a second Ctrl+C or SIGTERM? a full disk? killed?); {Resumable(o)}");
        }
        if (o.Job is not null)
            return Failure(o) is { } why
                // Cancelled (scancel) before it started: the user stopped it, and nothing of it failed.
                ? why.StartsWith(" CANCELLED", StringComparison.Ordinal) && LastLine(o.Log, IsError).Length == 0
                    ? new(run, "not started", $"job {o.Job} was cancelled before it started; resubmit to train it")
                    : new(run, "failed", $"job {o.Job} ended{why}; the run never started training")
                : new(run, "not started", $"job {o.Job} is no longer queued and never started it; resubmit");
        return new(run, "not started", "");
    }

    /// <param name="queued">squeue's state while the job is queued, else null.</param>
    /// <param name="endState">Asks the scheduler how it ended (called only once it left the queue).</param>
    /// <param name="schedulerAnswered">False when squeue could not be asked: a job without a log yet is then unknown, not failed.</param>
    /// <param name="reason">squeue's reason for a pending job: one Slurm never clears (an --analysis-time over the partition's
    /// limit) makes it "will not start", which no poller should wait on, as a run's task.</param>
    public static AnalysisState ClassifyAnalysis(string job, string? queued, Func<string?>? endState, string? log, bool schedulerAnswered = true,
        string? reason = null)
    {
        if (!schedulerAnswered && (log is null || !File.Exists(log))) return new(job, "unknown", "the scheduler could not be asked; try again");
        if (queued is "PENDING" && reason is { } why && SlurmEndState.NeverStarts(why))
            return new(job, WillNotStart, $"{why}: {(why == "PartitionTimeLimit" ? "--analysis-time is over the partition's limit"
                : "no node of the partition can give it what it asks for")}, so it will not start; scancel {job}, and `pipeline analyze` on the sweep writes its tables");
        if (queued is "PENDING") return new(job, "pending", "starts when the array's tasks have ended");
        if (queued is not null) return new(job, "running", queued == "RUNNING" ? "" : queued);
        string error = LastLine(log, IsError);
        if (endState?.Invoke() is { } how && !how.StartsWith("COMPLETED", StringComparison.Ordinal))
            // Cancelled (scancel): stopped, as a Ctrl+C'd analysis is, not failed; `analyze` writes it.
            return how.StartsWith("CANCELLED", StringComparison.Ordinal) && error.Length == 0
                ? new(job, "interrupted", $"cancelled ({how}) before it ended: `pipeline analyze` on the sweep writes its tables")
                : new(job, "failed", $"ended {SlurmEndState.Explain(how)}{error}");
        if (error.Length > 0) return new(job, "failed", error[2..]);
        if (log is not null && File.Exists(log)) return new(job, "completed", "tables and plots in analysis/");
        return new(job, "failed", "ended without a log (cancelled before it started?); run `pipeline analyze` on the sweep");
    }

    /// <summary>"analysis (job 42): completed: tables and plots in analysis/".</summary>
    public static string Line(AnalysisState a) =>
        $"analysis{(a.Job is null ? "" : $" (job {a.Job})")}: {a.State}{(a.Detail.Length > 0 ? $": {a.Detail}" : "")}";

    /// <summary>"sweep: being read by pipeline advise (pid 7 on host since ...)": an `advise` holding the sweep to read it
    /// only, which neither runs its analysis nor changes what the other lines say (its advice goes elsewhere); or "sweep:
    /// being written by pipeline submit (...)": a `submit` readying the folder for the jobs it queues, which trains nothing.</summary>
    public static string ReadLine(string holder) => SweepLock.IsSubmission(holder)
        ? $"sweep: being written by pipeline submit ({holder}); it readies the folder for the jobs it queues, which train the runs"
        : $"sweep: being read by pipeline advise ({holder}); it writes nothing here";

    /// <summary>The analysis state to report: the submitted job's while it is queued or running; else the recorded outcome of
    /// the latest analysis when it ended after that submission (the job's own `analyze`, or one run by hand after the job
    /// failed or could not be asked about) where it differs from the job's; else the job's, a failed one with the error that
    /// outcome recorded. Null when neither exists.</summary>
    /// <param name="submitted">When the submission that queued <paramref name="job"/> was made.</param>
    public static AnalysisState? Latest(AnalysisState? job, DateTime? submitted, Analysis.AnalysisOutcome? outcome)
    {
        if (job?.State is "pending" or "running") return job;
        if (outcome is null || job is not null && submitted is { } at && outcome.FinishedUtc < at) return job;
        // The job's own line where it agrees (it names the job); a failure in the words the analysis recorded, which explain
        // what the log's last error line cannot (DuckDB's bare "Table with name … does not exist!" for a table no run has
        // written yet, said as `analyze` says it).
        if (job is not null && job.State == outcome.State)
            return job.State == "failed" && outcome.Said is { } recorded ? job with { Detail = recorded } : job;
        return new(null, outcome.State, outcome.State == "completed"
            ? $"tables and plots in analysis/ ({outcome.Finished[..Math.Min(19, outcome.Finished.Length)].Replace('T', ' ')} UTC)"
            : outcome.Said ?? "(no message)");
    }

    /// <summary>A completed analysis said as what it is while the runs have not all completed (a Ctrl+C's analysis, a
    /// resume training again, failed runs): tables of the rows they had written by then, not the sweep's result. A run that
    /// completed but has lost a table since is not one of those: the analysis holds its rows if it read them before the
    /// damage (an analysis since fails on an unreadable table, and leaves a missing one's rows out). An analysis job that
    /// failed where no run has started (the array's tasks all cancelled while pending: it runs after them, over nothing) has
    /// not run on the sweep: "not run" (exit 4, as the runs not started), not a failure of the sweep. An analysis job pending
    /// where only tasks that will not start are left says it waits on them (it starts once they are cancelled).</summary>
    public static AnalysisState? OfRuns(AnalysisState? analysis, IReadOnlyList<RunState> runs)
    {
        if (analysis is { State: "pending" } p && runs.Any(r => r.State == WillNotStart)
            && !runs.Any(r => r.State is "running" or "requeued" or "pending" or "unknown"))
            return p with { Detail = "waits on the tasks that will not start; it starts once they are scancelled" };
        if (analysis is { State: "failed" } f && runs.Count > 0 && runs.All(r => r.State == "not started"))
            return f with { State = "not run", Detail = "no run had started, so there was nothing to analyse; a resubmission trains the runs and analyses them after" };
        if (analysis is not { State: "completed" } a) return analysis;
        int damaged = runs.Count(r => r.TablesDamaged), unfinished = runs.Count(r => r.State != "completed" && !r.TablesDamaged);
        string detail = a.Detail
            + (unfinished > 0 ? $"; {Messages.Counted.Of(unfinished, "run")} not completed: its tables hold the rows they had written by then" : "")
            + (damaged > 0 ? $"; {Messages.Counted.Of(damaged, "completed run")} with a table missing or unreadable since: its tables hold " +
                             $"{(damaged == 1 ? "that run's" : "their")} rows only if it was written before that" : "");
        return detail == a.Detail ? analysis : a with { Detail = detail };
    }

    /// <summary>The pipeline has an analysis, but none ran on the sweep (trained with --no-analysis, or its analysis moved to
    /// previous/ with runs a resume dropped): "not run" (exit 4, as a stale one: nothing writes it by itself, `analyze` does),
    /// so a sweep trained without it does not read as finished. Null while a run may still end in the analysis (running,
    /// queued or unknown), a local run analysing once its runs end, and where no run started (nothing to analyse).</summary>
    public static AnalysisState? NotRun(IReadOnlyList<RunState> runs, string sweepDir)
    {
        if (runs.Any(r => r.State is "running" or "requeued" or "pending" or "unknown") || runs.All(r => r.State is "not started" or WillNotStart)) return null;
        int unfinished = runs.Count(r => r.State != "completed");
        return new(null, "not run", $"`pipeline analyze {ShellWords.Quote(sweepDir)}` writes its tables and plots" +
            (unfinished > 0 ? $" (from the rows written so far: {Messages.Counted.Of(unfinished, "run")} not completed)" : ""));
    }

    /// <summary>A completed analysis written before some of the sweep's runs finished (a `run --resume --no-analysis` that
    /// trained more runs, or again): its tables leave their rows out, so it is "stale" (exit 4: `analyze` updates it) rather
    /// than completed. Only the recorded outcome's time is compared; a job's or a running analysis is left as it is.</summary>
    /// <param name="finished">Each run's provenance finish time (ISO 8601), null where it has none.</param>
    public static AnalysisState? Stale(AnalysisState? analysis, Analysis.AnalysisOutcome? outcome, IEnumerable<string?> finished, string sweepDir)
    {
        if (analysis is not { State: "completed" } a || outcome is not { State: "completed" } o) return analysis;
        int later = finished.Count(f => DateTime.TryParse(f, null, System.Globalization.DateTimeStyles.RoundtripKind, out var at)
                                        && at.ToUniversalTime() > o.FinishedUtc);
        return later == 0 ? analysis
            : a with { State = "stale", Detail = $"written before {Messages.Counted.Of(later, "run")} finished, whose rows it leaves out: `pipeline analyze {ShellWords.Quote(sweepDir)}` writes it again" };
    }

    /// <summary>"6 runs: 4 completed, 1 running, 1 failed" ("1 will not start" for a task Slurm leaves pending for ever).</summary>
    public static string Summary(IReadOnlyList<RunState> runs) =>
        $"{Messages.Counted.Of(runs.Count, "run")}: " + string.Join(", ", runs.GroupBy(r => r.State).OrderBy(g => Order(g.Key)).Select(g => $"{g.Count()} {g.Key}"));

    /// <summary>3 while a run or the analysis is queued, running or of unknown state (a poller waits); then 0 when every
    /// run completed (and the analysis job, when there is one, too), 1 when a run or the analysis failed or a task will not
    /// start (Slurm leaves it queued for ever: it needs scancel and a submission asking less), 4 when runs are interrupted
    /// or not started, or an analysis was stopped, is stale or has not run, and nothing will continue them by itself
    /// (run --resume, or resubmit a submitted sweep, or analyze).</summary>
    public static int ExitCode(IReadOnlyList<RunState> runs, AnalysisState? analysis = null)
    {
        bool runsGoOn = runs.Any(r => r.State is "running" or "requeued" or "pending" or "unknown");
        // The analysis job starts after every task of the array ended (afterany), so while only tasks that will not start are
        // left it is pending for as long as they are: it goes on only once they are cancelled.
        bool analysisGoesOn = analysis?.State is "running" or "unknown"
                              || analysis?.State is "pending" && (runsGoOn || !runs.Any(r => r.State == WillNotStart));
        if (runsGoOn || analysisGoesOn) return NotFinished;
        if (runs.Any(r => r.State is "failed" or WillNotStart) || analysis?.State is "failed" or WillNotStart) return 1;
        return runs.All(r => r.State == "completed") && analysis?.State is not ("interrupted" or "stale" or "not run") ? 0 : Stopped;
    }

    public const int NotFinished = 3;

    /// <summary>A task pending for a reason Slurm never clears (<see cref="SlurmEndState.NeverStarts"/>).</summary>
    public const string WillNotStart = "will not start";

    /// <summary>Nothing queued or running, but runs left interrupted or never started.</summary>
    public const int Stopped = 4;

    static int Order(string state) => Array.IndexOf(["completed", "running", "requeued", "pending", "unknown", "interrupted", "failed", WillNotStart, "not started"], state);

    /// <summary>How a task that left the queue failed: the scheduler's end state unless it completed, and the
    /// log's last error (the scheduler forgets jobs after MinJobAge; the log stays); null when neither says so. It ends with
    /// the end state's explanation or the error, so what a caller adds follows a "; " (glued on, "…, or an administrator
    /// before training" read as part of the explanation).</summary>
    static string? Failure(RunObservation o)
    {
        var how = o.EndState?.Invoke();
        bool schedulerSaysFailed = how is not null && !how.StartsWith("COMPLETED", StringComparison.Ordinal);
        var error = LastLine(o.Log, IsError);
        return schedulerSaysFailed || error.Length > 0 ? $"{(schedulerSaysFailed ? " " + SlurmEndState.Explain(how!) : "")}{error}" : null;
    }

    static string Resumable(RunObservation o) =>
        o.CheckpointStep is { } at ? $"checkpoint at step {at:N0}: {Continue(o)} to continue from it"
        : o.CheckpointProblem is { } damaged ? $"its checkpoint cannot be resumed ({damaged}); a resume fails on it until " +
                                               "that is restored, or the checkpoint deleted to train the run from step 0"
        : $"no checkpoint: {Continue(o)} to train it from step 0";

    /// <summary>What continues a stopped run: a submitted one's task is resubmitted (or the sweep resumed here); one that a
    /// local `pipeline run` trained has no task to resubmit, so `run --resume`.</summary>
    static string Continue(RunObservation o) => o.Job is not null || o.Submitted ? "resubmit (or run --resume)" : "run --resume";

    static bool IsError(string line) => line.StartsWith("error:", StringComparison.Ordinal);

    static string StepOf(RunStatus? s) => s is { State: "interrupted" } ? $" from step {s.Steps:N0}" : "";

    static string LastLine(string? log, Func<string, bool> which) =>
        TaskLog.Read(log, which).LastLine is { } line ? $": {line}" : "";


    /// <summary>"1 step", "4,000 steps": a run of one step read "1 steps in 0.4 s".</summary>
    static string Steps(long n) => Messages.Counted.Of(n, "step", "N0");

    /// <summary>Tenths under 10 s: a short run (a CPU profile's, a test's) read "in 0 s", as though it had done nothing.</summary>
    static string Duration(double seconds) => seconds < 9.95 ? $"{seconds:F1} s" : seconds < 120 ? $"{seconds:F0} s"
        : seconds < 7200 ? $"{seconds / 60:F1} min" : $"{seconds / 3600:F1} h";
}
