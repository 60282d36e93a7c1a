using Retention.Artifacts;
using Retention.Pipeline;
using Retention.Spec;
using Retention.Synthetic;

namespace Retention.Cluster;

/// <summary>Gathers what `pipeline status` shows: each run's directory, its task and the scheduler's word on it.</summary>
public static class SweepObserver
{
    /// <param name="schedulerProblem">Why the scheduler could not be asked (its commands missing or failing), or null.</param>
    /// <param name="analysis">The state of the latest submission's analysis job (none where it queued none, whatever an earlier one
    /// queued), or of the latest analysis otherwise; null when there is neither.</param>
    /// <param name="readBy">The holder's line of an `advise` that only reads the sweep (it writes nothing here, so the
    /// analysis line says what it would without it), or of a `submit` readying the sweep's folder (it trains nothing, so the
    /// runs are shown as they are), or null.</param>
    public static IReadOnlyList<RunState> Observe(string sweepDir, out string? schedulerProblem, out AnalysisState? analysis, out string? readBy)
    {
        analysis = null;
        schedulerProblem = null;
        sweepDir = Path.GetFullPath(sweepDir);
        var pipelineFile = ArtifactLayout.SweepPipelineFile(sweepDir);
        var loaded = SpecLoader.Load(pipelineFile, checkAnalysis: false, stored: true);
        var plans = loaded.Runs;

        var submissions = SlurmSubmission.All(sweepDir);
        var taskOf = new Dictionary<string, (SlurmSubmission Sub, int Task)>();
        foreach (var s in submissions)   // oldest first: the latest submission of a run wins
            for (int t = 0; t < s.Tasks.Count; t++)
                foreach (var run in s.Tasks[t]) taskOf[run] = (s, t);
        var live = new Dictionary<(string, int), SchedulerTask>();
        var ids = submissions.Select(s => s.ArrayJobId).OfType<string>().ToList();
        // Every run ended for good and the analysis recorded its outcome after the last submission: nothing the scheduler
        // says can change what is shown, and asking a scheduler that cannot be reached takes a minute of retries.
        bool settled = Settled(sweepDir, plans, submissions);
        if (ids.Count > 0 && !settled)
        {
            try
            {
                foreach (var t in SlurmClient.Queue(ids)) live[(t.ArrayJobId, t.Task)] = t;
            }
            catch (SlurmException e) { schedulerProblem = e.Message; }
        }
        // The sweep's lock probed and its holder read once: training (runs are running) or an analysis writing.
        var holder = SweepLock.IsHeld(sweepDir) ? SweepLock.Holder(sweepDir) : null;
        readBy = holder is not null && (SweepLock.IsReading(holder) || SweepLock.IsSubmission(holder)) ? holder : null;
        bool sweepHeld = holder is not null && SweepLock.IsTraining(holder), canAsk = schedulerProblem is null && !settled;
        // Each run's status.json read for what is shown of it (how its checkpoint groups, how it ended), after the scheduler
        // was asked and the sweep's lock probed, as a run ends: its status is written before its lock goes, and a run that ended
        // between an earlier read and the question would be taken for one the scheduler lost. Its own lock is probed before
        // and after the read (RunHold.Of says why), and every judgement below sees that one observation. (Settled reads
        // before, only to decide whether to ask.)
        var holds = Holds(sweepDir, plans.Select(p => ArtifactLayout.RunDir(sweepDir, p.RunId)), sweepHeld);
        Func<string, RunStatus?> endIn = dir => holds[dir].Ended;
        var checkpoints = CheckpointSteps(sweepDir, plans, taskOf, endIn, out var damaged);
        // The latest submission's analysis job only: one that queued none (its pipeline declares no analysis, or sbatch refused
        // it) has none, and an earlier submission's ran after the earlier array, not this one.
        var lastAnalysisJob = submissions.LastOrDefault() is { AnalysisJobId: not null } latest ? latest : null;
        if (lastAnalysisJob is { AnalysisJobId: { } analysisJob })
        {
            var queued = canAsk ? SlurmClient.QueueState(analysisJob) : null;
            analysis = SweepStatus.ClassifyAnalysis(analysisJob, queued?.State,
                canAsk ? () => SlurmClient.EndState(analysisJob) : null, lastAnalysisJob.AnalysisLog, canAsk, queued?.Reason);
        }
        // Read after the scheduler was asked (as each run's status below), once for the analysis line and its staleness.
        var outcome = Analysis.AnalysisOutcome.Read(sweepDir);
        analysis = SweepStatus.Latest(analysis, lastAnalysisJob?.SubmittedUtc, outcome);
        var requeues = submissions.ToDictionary(s => s.Number, s => s.Requeues());
        var observed = plans.Select(plan =>
        {
            var run = plan.RunId;
            var dir = ArtifactLayout.RunDir(sweepDir, run);
            var ended = holds[dir].Ended;
            var observation = new RunObservation(ended, SweepContract.ReadProvenance(dir), holds[dir].Held, StartingAgainAfter: holds[dir].Earlier,
                CheckpointStep: checkpoints.TryGetValue(run, out var step) ? step : null, CheckpointProblem: damaged.GetValueOrDefault(run),
                TablesProblem: ended is { State: "completed" } ? CompletedRunTables.Damage(dir, plan.Spec, ended.Tables) : null,
                Submitted: taskOf.ContainsKey(run));
            if (taskOf.TryGetValue(run, out var task) && task.Sub.ArrayJobId is { } job)
                observation = observation with
                {
                    Job = $"{job}_{task.Task}",
                    Live = live.GetValueOrDefault((job, task.Task)),
                    Requeues = requeues[task.Sub.Number].GetValueOrDefault(task.Task),
                    EndState = canAsk ? () => SlurmClient.EndState($"{job}_{task.Task}") : null,
                    Log = task.Sub.LogOf(task.Task),
                    SchedulerAnswered = canAsk,
                };
            return (State: SweepStatus.Classify(run, observation), Finished: observation.Started?.Finished);
        }).ToList();
        IReadOnlyList<RunState> states = [.. observed.Select(o => o.State)];
        // An analysis writing now outranks the outcome of the one before it (replaced by its 'started' record only once this one has started).
        analysis = analysis?.State is "pending" or "running" ? analysis : AnalysisRunning(holder, states) ?? analysis ?? AnalysisStopped(sweepDir);
        analysis ??= loaded.Spec.Analysis.HasSteps ? SweepStatus.NotRun(states, sweepDir) : null;
        analysis = SweepStatus.OfRuns(analysis, states);
        analysis = SweepStatus.Stale(analysis, outcome, observed.Select(o => o.Finished), sweepDir);
        return states;
    }

    /// <summary>Each run's status.json and whether a process held it, by run folder, observed as <see cref="RunHold.Of"/>
    /// says: every run's lock probed (a cluster task holds its runs'; <paramref name="sweepHeld"/>, the sweep's held for
    /// training by a local `pipeline run`, holds them all), every status.json read, every lock probed again, the sweep's too,
    /// and then the files without an end read again where neither probe found a holder. Each step for all runs before the next.
    /// An end read while a run was held is then judged against when its holders took their locks (<see cref="RunHold.StartedAgain"/>),
    /// their lines' times read last.</summary>
    static Dictionary<string, RunHold> Holds(string sweepDir, IEnumerable<string> runDirs, bool sweepHeld)
    {
        var dirs = runDirs.ToList();
        var before = dirs.Select(SweepLock.IsHeld).ToList();
        var read = dirs.Select(RunStatusFile.ReadWritten).ToList();
        bool sweepHeldAfter = SweepLock.IsHeldForTraining(sweepDir);
        var after = dirs.Select(SweepLock.IsHeld).ToList();
        bool sweepHeldEver = sweepHeld || sweepHeldAfter;
        var sweepSince = sweepHeldEver ? SweepLock.HolderSince(sweepDir) : null;
        return dirs.Select((d, i) =>
            {
                var hold = RunHold.Of(sweepHeld || before[i], read[i].Status, sweepHeldAfter || after[i], () => RunStatusFile.Read(d));
                bool runHeld = before[i] || after[i];
                var runSince = runHeld ? SweepLock.HolderSince(d) : null;
                // The latest of the holders' locks taken; one held without its line yet: unknown (null), taken just now.
                DateTime? since = sweepHeldEver && sweepSince is null || runHeld && runSince is null ? null
                    : new[] { sweepSince, runSince }.Max();
                return (Dir: d, Hold: hold.StartedAgain(read[i].WrittenUtc, since));
            })
            .ToDictionary(h => h.Dir, h => h.Hold, StringComparer.Ordinal);
    }

    /// <summary>Whether the sweep has nothing left for the scheduler to tell: submitted, every run completed or failed (an
    /// interrupted one may be requeued), and an analysis outcome recorded after the last submission, unless that submission
    /// queued no analysis job because its pipeline declares none (nothing will record one).</summary>
    static bool Settled(string sweepDir, IReadOnlyList<RunPlan> plans, IReadOnlyList<SlurmSubmission> submissions) =>
        submissions.Count > 0 && submissions[^1].SubmittedUtc is { } submitted
        && (submissions[^1].WithoutAnalysis || Analysis.AnalysisOutcome.Read(sweepDir) is { } outcome && outcome.FinishedUtc > submitted)
        && plans.All(p => PipelineRunner.ReadStatus(ArtifactLayout.RunDir(sweepDir, p.RunId))?.State
            is "completed" or "failed" or RunStatus.DataExhausted);

    /// <summary>An analysis writing the sweep's tables now: `analyze` (or `advise` writing its advice there) holding the sweep,
    /// or a local run holding it after its runs ended; else null (an `advise` only reading the sweep writes nothing, nor does a
    /// `run --no-analysis` or a run of a pipeline without an analysis).</summary>
    /// <param name="holder">The sweep lock's holder line; null where it is not held.</param>
    static AnalysisState? AnalysisRunning(string? holder, IReadOnlyList<RunState> runs) =>
        holder is null || SweepLock.IsReading(holder) || SweepLock.IsSubmission(holder) || SweepLock.IsTrainingOnly(holder) ? null
        : SweepLock.IsAnalysis(holder) ? new(null, "running", $"pipeline {(SweepLock.IsAdvice(holder) ? "advise" : "analyze")} ({holder})")
        // A holder whose line is not written yet is named by none ("the run's own ()" said nothing), as a held sweep's refusal says it.
        : runs.All(r => r.State is "completed" or "failed" or "interrupted") ? new(null, "running", $"the run's own{(holder.Length > 0 ? $" ({holder})" : "")}")
        : null;

    /// <summary>Where neither a submitted job nor a recorded outcome speaks of it: an analysis stopped before it ended, when
    /// analysis/ holds tables (not the advice's, nor hidden files) but no outcome (an analysis replaces its outcome with a 'started' record as it starts, which
    /// <see cref="Analysis.AnalysisOutcome.Read"/> takes for none, so one killed leaves none); else
    /// null (none ran: the pipeline has no analysis, or it was trained with --no-analysis, which <see cref="SweepStatus.NotRun"/> says).</summary>
    static AnalysisState? AnalysisStopped(string sweepDir)
    {
        var written = Path.Combine(sweepDir, ArtifactLayout.AnalysisDir);
        // Neither the advice's files nor hidden ones are an analysis's: a lock's .lock and .lock.owner (an advise killed while it
        // held the folder by a lock of its own leaves them), a Finder's .DS_Store. An analysis writes no hidden file.
        return Directory.Exists(written) && Directory.EnumerateFiles(written)
                .Any(f => Path.GetFileName(f) is var name && !Advice.AdviceReport.IsAdviceName(name) && !name.StartsWith('.'))
            ? new(null, "interrupted", $"it did not end (stopped or killed while writing analysis/, whose tables may be partial): `pipeline analyze {ShellWords.Quote(sweepDir)}` writes them again")
            : null;
    }

    /// <summary>The step each run's checkpoint holds where a resume continues from it: an OLMo run's own, or the synthetic
    /// group's (kept in its first run's directory) when the runs a resume trains together are exactly the ones it saved
    /// (<see cref="SyntheticTrainer.CheckpointStep"/>, the resume's own check; another grouping's trains from step 0).
    /// Unreadable checkpoints are left out (a synthetic resume trains afresh); an OLMo one that a resume would refuse,
    /// naming its damaged file (or a file or table part its manifest lists, gone), is in <paramref name="damaged"/> with that message.</summary>
    static Dictionary<string, long> CheckpointSteps(string sweepDir, IReadOnlyList<RunPlan> runs, IReadOnlyDictionary<string, (SlurmSubmission Sub, int Task)> taskOf,
        Func<string, RunStatus?> endIn, out Dictionary<string, string> damaged)
    {
        string RunDir(string run) => ArtifactLayout.RunDir(sweepDir, run);
        var steps = new Dictionary<string, long>();
        var problems = damaged = [];
        void Read(IReadOnlyList<RunPlan> group, Func<string, long?> step)
        {
            var dir = Training.CheckpointFolder.Current(Training.CheckpointFolder.Of(RunDir(group[0].RunId)));   // as a resume recovers it
            if (!Directory.Exists(dir)) return;
            try
            {
                if (step(dir) is { } at) foreach (var run in group) steps[run.RunId] = at;
            }
            catch (ArtifactException e) { foreach (var run in group) problems[run.RunId] = e.Message; }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Text.Json.JsonException or InvalidDataException) { }
        }
        foreach (var run in runs.Where(r => r.Spec.Experiment == "olmo"))
            Read([run], dir =>
            {
                Training.OlmoTrainer.RequireComplete(dir);   // a folder copied in part: a resume refuses it, naming what it lacks
                long at = Training.OlmoTrainer.Describe(dir).Step;
                CheckpointManifest.Require(dir)?.RequireParts(RunDir(run.RunId), at);   // what else a resume would refuse, short of columns
                return at;
            });
        foreach (var group in ResumeGroups([.. runs.Where(r => r.Spec.Experiment == "synthetic")], RunDir, endIn, taskOf))
            Read(group, dir => SyntheticTrainer.Superseded(dir, group.Skip(1).Select(r => Training.CheckpointFolder.Current(Training.CheckpointFolder.Of(RunDir(r.RunId)))))
                ? null   // outdated by a run of it trained alone since: the resume trains the group from step 0
                : SyntheticTrainer.CheckpointStep(dir, [.. group.Select(r => new CellSpec(r.RunId, r.Spec.Synthetic.Width, r.Spec.Seed))]));
        return steps;
    }

    /// <summary>The groups a resume of these synthetic runs trains together, formed by <see cref="TrainingPlan.SyntheticGroups"/>
    /// as the resume forms them: completed runs set aside; the runs of one Slurm task (its latest submission's) as that
    /// task's `pipeline task` groups them; the others as `run --resume` with one job groups them.</summary>
    static IEnumerable<IReadOnlyList<RunPlan>> ResumeGroups(IReadOnlyList<RunPlan> runs, Func<string, string> runDir, Func<string, RunStatus?> endIn,
        IReadOnlyDictionary<string, (SlurmSubmission Sub, int Task)> taskOf)
    {
        var pending = runs.Where(r => endIn(runDir(r.RunId))?.State != "completed").ToList();
        foreach (var task in pending.Where(r => taskOf.ContainsKey(r.RunId)).GroupBy(r => (taskOf[r.RunId].Sub.Number, taskOf[r.RunId].Task)))
            foreach (var g in TrainingPlan.SyntheticGroups([.. task], runDir, resume: true, clusterTask: true, jobs: 1, NamedCpu)) yield return g;
        foreach (var g in TrainingPlan.SyntheticGroups([.. pending.Where(r => !taskOf.ContainsKey(r.RunId))], runDir, resume: true, clusterTask: false, jobs: 1, NamedCpu))
            yield return g;
    }

    /// <summary>auto taken as not the CPU, so status never loads LibTorch (README: it runs without it). Exact: only the groups a
    /// checkpoint keeps together continue from a step, and those no device decides; a fresh group whose first run's checkpoint
    /// saved exactly its runs would have been kept as that checkpoint's (SweepGroups.ForResume), so however the device splits
    /// the other runs, each starts from step 0.</summary>
    static bool NamedCpu(string device) => device == "cpu";
}
