using Retention.Artifacts;
using Retention.Pipeline;
using Retention.Spec;
using Retention.Messages;

namespace Retention.Cluster;

/// <summary>A submission ready to go: what it will write and submit, and how many runs were already done.</summary>
/// <param name="AnalysisScript">The analysis job's script; "" where nothing is to train or the pipeline declares no analysis
/// (<see cref="SlurmSubmission.WithoutAnalysis"/>: no analysis job is queued).</param>
/// <param name="Dropped">Runs under the sweep's runs/ that its sweep no longer has (a smaller or changed sweep, a forgotten
/// --set): moved to previous/ once the array is accepted, as `run --resume` moves them, so the analysis reads only this sweep's.</param>
/// <param name="Renamed">Earlier runs (folder names) that runs of this sweep take over, as `run --resume` does (the sweep gained
/// a key, their spec is the same): moved to the new ids when the submission is written, and back when sbatch refuses it.</param>
/// <param name="Overwritten">With --overwrite, the earlier results it deletes once the array is accepted ("2 runs under runs/
/// (a, b) and analysis/"), so a dry run says what the submission would cost; null when there are none, or without --overwrite.</param>
public sealed record SubmitPlan(SlurmSubmission Submission, string ArrayScript, string AnalysisScript, int CompletedEarlier, int Runs,
    IReadOnlyList<string> Dropped, IReadOnlyList<(string From, RunPlan To)> Renamed, string? Overwritten = null);

/// <summary>
/// `pipeline submit --slurm`: plans an sbatch array over the runs of a sweep that are still to train
/// (all of them the first time; on a resubmission those missing, failed or interrupted), one task per
/// run, or per group of synthetic runs that train together, then submits it and the analysis after it
/// (where the pipeline declares one).
/// A resubmission keeps the sweep contract of `run --resume`: runs trained under another spec are
/// refused with the keys that changed.
/// </summary>
public static class SweepSubmitter
{
    /// <summary>Why a sweep directory (a full path) cannot be submitted, or null: the --artifacts the user gave is bad
    /// input, which `submit` checks with this before it plans.</summary>
    public static string? SweepDirProblem(string sweepDir) =>
        sweepDir.Any(char.IsWhiteSpace)
            // A tab or line break named as such: "contains a space" sent the user looking for one that is not there.
            ? $"the sweep directory '{sweepDir}' contains {(sweepDir.Contains(' ') ? "a space" : "whitespace (a tab or a line break)")}, " +
              "which #SBATCH lines cannot carry: choose another --artifacts"
        : sweepDir.IndexOfAny(['%', '\\']) >= 0
            ? $"the sweep directory '{sweepDir}' contains % or \\, which Slurm expands in log paths: choose another --artifacts"
        : null;

    /// <summary>Refuses a submission for what a larger --mem would not mend (<see cref="Plan"/>'s refusals before a task's
    /// memory): no Slurm, a sweep directory #SBATCH lines cannot carry, a local process or an earlier array holding the sweep,
    /// earlier runs under another spec, a completed run that lost a table. `submit` asks it where the load refuses a run for
    /// --mem, so that is said only once nothing else would refuse the submission.</summary>
    public static void RefuseBeforeMemory(LoadedPipeline pipeline, string artifactsRoot, bool overwrite, bool askScheduler = true) =>
        _ = Admit(pipeline, artifactsRoot, overwrite, askScheduler);

    /// <summary>What <see cref="Admit"/> found: where each run's status is read (once), and the earlier runs taken over.</summary>
    sealed record Admission(string SweepDir, Func<string, RunStatus?> EndIn, IReadOnlyList<(string FromDir, RunPlan To)> Renamed,
        Func<string, string> RunDir);

    static Admission Admit(LoadedPipeline pipeline, string artifactsRoot, bool overwrite, bool askScheduler)
    {
        if (askScheduler && !SlurmClient.Installed()) throw new SlurmException(SlurmClient.NotInstalled("sbatch"));
        var sweepDir = Path.GetFullPath(PipelineRunner.SweepDir(pipeline, artifactsRoot));
        if (SweepDirProblem(sweepDir) is { } problem) throw new ArgumentException(problem);
        // A local `run` (or `analyze`) writing the sweep: the submission is refused when it takes the lock, so a dry run says
        // so too, rather than planning from runs that process is still writing.
        SweepLock.ThrowIfHeld(sweepDir);
        var earlier = SlurmSubmission.All(sweepDir);
        // Earlier arrays and their analysis jobs: a new array must not train runs an old task still trains,
        // nor write files an old analysis is reading.
        if (askScheduler && earlier.SelectMany(s => new[] { s.ArrayJobId, s.AnalysisJobId }).OfType<string>().ToList() is { Count: > 0 } ids
            && SlurmClient.Live(ids) is { Count: > 0 } live)
            throw new SlurmException($"{sweepDir} still has {(live.Count == 1 ? "job" : "jobs")} {string.Join(", ", live)} of an earlier submission queued or running: " +
                                     "wait for them (`pipeline status`) or cancel them with scancel, then submit again");
        // Each run's status.json read once, for the contract's data check, the tables check and what counts as done.
        var endIn = RunStatusFile.ReadOnce();
        if (!overwrite) SweepContract.CheckResume(pipeline, sweepDir, pipeline.BaseDirectory,
            afresh: "submit with --overwrite to train them afresh (deleting the earlier results)", endOf: run => endIn(ArtifactLayout.RunDir(sweepDir, run)));

        // A run taken over is judged by the earlier folder it will be moved from.
        var renamed = overwrite ? [] : SweepContract.Renamed(sweepDir, pipeline);
        var takenFrom = renamed.ToDictionary(m => m.To.RunId, m => m.FromDir, StringComparer.Ordinal);
        string RunDir(string run) => takenFrom.TryGetValue(run, out var from) ? from : ArtifactLayout.RunDir(sweepDir, run);
        if (!overwrite) CompletedRunTables.RequireIntact(pipeline.Runs, RunDir, sweepDir, "a submission", run => endIn(RunDir(run)));
        return new Admission(sweepDir, endIn, renamed, RunDir);
    }

    /// <summary>Checks everything and builds the scripts; writes and submits nothing.</summary>
    /// <param name="launcher">The command that runs this program on the cluster's nodes.</param>
    /// <param name="overwrite">The earlier results will be deleted: nothing counts as done and no spec is compared.</param>
    public static SubmitPlan Plan(LoadedPipeline pipeline, string artifactsRoot, SlurmResources resources, IReadOnlyList<string> launcher,
        bool overwrite, bool askScheduler = true)
    {
        if (resources.Problems() is { Count: > 0 } problems) throw new ArgumentException(string.Join("; ", problems));
        var (sweepDir, endIn, renamed, runDir) = Admit(pipeline, artifactsRoot, overwrite, askScheduler);
        var runsDir = Path.Combine(sweepDir, ArtifactLayout.RunsDir);
        var done = overwrite ? [] : pipeline.Runs.Where(r => endIn(runDir(r.RunId)) is { State: "completed" }).ToList();
        var pending = pipeline.Runs.Except(done).ToList();
        var tasks = pipeline.Spec.Experiment == "synthetic"
            ? SweepGroups.Of(pending, isCpu: resources.TrainsOnCpu)   // split by width as `run` buckets CPU runs
            : pending.Select(r => (IReadOnlyList<RunPlan>)[r]).ToList();
        // A task holds all its runs at once: checked as a whole against --mem, as each run was on its own when the pipeline loaded.
        if (resources.TaskMemory is { } taskMemory && TaskMemoryCheck.Error(pipeline.SourceName, tasks, taskMemory) is { } tooBig)
            throw new SpecException(tooBig);
        bool withoutAnalysis = !QueuesAnalysisJob(pipeline);
        var submission = new SlurmSubmission(SlurmSubmission.NextNumber(sweepDir), sweepDir, Path.GetFullPath(artifactsRoot), pipeline.Profile,
            pipeline.BaseDirectory, [.. tasks.Select(t => (IReadOnlyList<string>)[.. t.Select(r => r.RunId)])], resources, DateTime.UtcNow.ToString("o"),
            WithoutAnalysis: withoutAnalysis);
        string name = JobName(pipeline);
        var kept = pipeline.Runs.Select(r => r.RunId).Concat(renamed.Select(m => Path.GetFileName(m.FromDir))).OfType<string>().ToHashSet(StringComparer.Ordinal);
        IReadOnlyList<string> dropped = overwrite || !Directory.Exists(runsDir) ? []
            : [.. Directory.GetDirectories(runsDir).Select(Path.GetFileName).OfType<string>().Where(d => !kept.Contains(d)).Order(StringComparer.Ordinal)];
        return new SubmitPlan(submission, tasks.Count == 0 ? "" : SlurmScripts.Array(submission, launcher, name),
            tasks.Count == 0 || withoutAnalysis ? "" : SlurmScripts.Analysis(submission, launcher, name), done.Count, pipeline.Runs.Count, dropped,
            [.. renamed.Select(m => (Path.GetFileName(m.FromDir), m.To))], overwrite ? Overwrites(sweepDir) : null);
    }

    /// <summary>What --overwrite deletes of <paramref name="sweepDir"/> (its <see cref="ArtifactLayout.ResultFolders"/>), in words,
    /// or null when it holds none of them.</summary>
    static string? Overwrites(string sweepDir)
    {
        var runsDir = Path.Combine(sweepDir, ArtifactLayout.RunsDir);
        var runs = Directory.Exists(runsDir) ? Directory.GetDirectories(runsDir).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal).ToList() : [];
        var parts = new List<string>();
        if (runs.Count > 0) parts.Add($"{Messages.Counted.Of(runs.Count, "run")} under {ArtifactLayout.RunsDir}/ ({Listing.FirstFew(runs)})");
        parts.AddRange(ArtifactLayout.ResultFolders.Where(d => d != ArtifactLayout.RunsDir && Directory.Exists(Path.Combine(sweepDir, d))).Select(d => $"{d}/"));
        return parts.Count == 0 ? null : string.Join(" and ", parts);
    }

    /// <summary>Whether a submission of <paramref name="pipeline"/> queues an analysis job after its array: not for a pipeline
    /// without an analysis section, where `analyze` would only record an outcome, and one who waits for the job (the messages of
    /// `analyze` and `status`) would wait for an analysis that writes nothing.</summary>
    public static bool QueuesAnalysisJob(LoadedPipeline pipeline) => pipeline.Spec.Analysis.HasSteps;

    /// <summary>Writes the submission folder, submits the array and the analysis after it (none where the pipeline declares
    /// no analysis); returns the submission with its job ids.
    /// When sbatch refuses the array nothing is left behind: the folder is removed and, with --overwrite, the earlier
    /// results (moved aside until the array is accepted) are put back; on a first submission the sweep folder and the
    /// folders above it that this call created (an --artifacts root that was not there) go too, if nothing else is in them.</summary>
    public static async Task<SlurmSubmission> SubmitAsync(SubmitPlan plan, LoadedPipeline pipeline, bool overwrite) =>
        (await SubmitAndSetAsideAsync(plan, pipeline, overwrite)).Submission;

    /// <summary>As <see cref="SubmitAsync"/>, also saying where the runs the sweep no longer has were moved (null: none).</summary>
    public static async Task<(SlurmSubmission Submission, string? SetAside)> SubmitAndSetAsideAsync(SubmitPlan plan, LoadedPipeline pipeline, bool overwrite)
    {
        string? setAside = null;
        var s = plan.Submission;
        if (s.Tasks.Count == 0) throw new InvalidOperationException("nothing to submit");
        var replaced = new List<(string Dir, string Aside)>();
        var taken = new List<AdoptedRun>();
        string? previousPipeline = null;
        var firstCreated = EmptyFolder.FirstMissing(s.SweepDir);   // null: the sweep folder was there
        bool created = firstCreated is not null;
        using (SweepLock.Acquire(s.SweepDir, SweepLock.ForSubmission))   // not while a local `pipeline run` writes the sweep
        {
            if (overwrite)
                foreach (var old in ArtifactLayout.ResultFolders.Select(d => Path.Combine(s.SweepDir, d)).Where(Directory.Exists))
                {
                    var aside = $"{old}.overwritten-{s.Number}";
                    Directory.Move(old, aside);
                    replaced.Add((old, aside));
                }
            if (Directory.Exists(s.Directory))   // another `submit` of this sweep got here first
                throw new SlurmException($"{s.Directory} was written by another `pipeline submit` meanwhile: see `pipeline status {ShellWords.Quote(s.SweepDir)}`");
            var newIds = plan.Renamed.ToDictionary(m => m.From, m => m.To.RunId, StringComparer.Ordinal);
            foreach (var (from, to) in plan.Renamed) taken.Add(await TakeOverAsync(s.SweepDir, from, to, pipeline, newIds));
            var pipelineFile = Path.Combine(s.SweepDir, ArtifactLayout.PipelineFile);
            if (File.Exists(pipelineFile)) previousPipeline = await File.ReadAllTextAsync(pipelineFile);
            Directory.CreateDirectory(Path.Combine(s.Directory, SlurmSubmission.LogsFolder));
            await AtomicFile.WriteTextAsync(pipelineFile, pipeline.ResolvedYaml);
            await AtomicFile.WriteTextAsync(Path.Combine(s.Directory, SlurmSubmission.PipelineCopy), pipeline.ResolvedYaml);
            await AtomicFile.WriteTextAsync(Path.Combine(s.Directory, SlurmSubmission.ArrayScript), plan.ArrayScript);
            if (!s.WithoutAnalysis) await AtomicFile.WriteTextAsync(Path.Combine(s.Directory, SlurmSubmission.AnalysisScript), plan.AnalysisScript);
            await s.SaveAsync();   // before sbatch: a task may start at once and read it
        }
        string array;
        try { array = SlurmClient.Submit(Path.Combine(s.Directory, SlurmSubmission.ArrayScript)); }
        catch (SlurmException)
        {
            if (created)
            {
                Directory.Delete(s.SweepDir, recursive: true);
                EmptyFolder.RemoveIfEmpty(Path.GetDirectoryName(s.SweepDir)!, firstCreated!);   // another sweep written meanwhile under a new --artifacts root keeps it
            }
            else
            {
                Directory.Delete(s.Directory, recursive: true);
                var folder = Path.Combine(s.SweepDir, SlurmSubmission.Folder);
                if (!Directory.EnumerateFileSystemEntries(folder).Any()) Directory.Delete(folder);
                foreach (var (dir, aside) in replaced) Directory.Move(aside, dir);
                foreach (var run in taken) await run.UndoAsync();
                var pipelineFile = Path.Combine(s.SweepDir, ArtifactLayout.PipelineFile);
                if (previousPipeline is not null) await AtomicFile.WriteTextAsync(pipelineFile, previousPipeline);
                else File.Delete(pipelineFile);
            }
            throw;
        }
        foreach (var (_, aside) in replaced) Directory.Delete(aside, recursive: true);
        s = s with { ArrayJobId = array };
        await s.SaveAsync();
        // Not the array's runs, and its analysis starts only after its tasks: moved now, so no refused array leaves them moved.
        if (!overwrite) setAside = SweepContract.SetAsideDropped(s.SweepDir, pipeline.Runs.Select(r => r.RunId));
        if (s.WithoutAnalysis) return (s, setAside);   // recorded in submission.json before the array was submitted
        try
        {
            var analysis = SlurmClient.Submit(Path.Combine(s.Directory, SlurmSubmission.AnalysisScript), $"--dependency=afterany:{array}", "--kill-on-invalid-dep=yes");
            s = s with { AnalysisJobId = analysis };
        }
        catch (SlurmException e)
        {
            throw new SlurmException($"the array was submitted as job {array}, but the analysis job was not ({e.Message}); " +
                                     $"its tasks run, and `pipeline analyze {ShellWords.Quote(s.SweepDir)}` does the analysis once `pipeline status` says they ended");
        }
        await s.SaveAsync();
        return (s, setAside);
    }

    /// <summary>A submission with nothing to train still makes the sweep this pipeline's, as `run --resume` does: earlier runs
    /// it takes over move to their new ids, runs it no longer has (and the analysis over them) to previous/, and its
    /// pipeline.yaml becomes the sweep's (what `analyze` and `status` read). Returns where the dropped runs went, or null.</summary>
    public static async Task<string?> AdoptAsync(SubmitPlan plan, LoadedPipeline pipeline)
    {
        var sweepDir = plan.Submission.SweepDir;
        if (!Directory.Exists(sweepDir)) return null;
        using (SweepLock.Acquire(sweepDir, SweepLock.ForSubmission))   // not while a local `pipeline run` writes the sweep
        {
            var newIds = plan.Renamed.ToDictionary(m => m.From, m => m.To.RunId, StringComparer.Ordinal);
            foreach (var (from, to) in plan.Renamed) await TakeOverAsync(sweepDir, from, to, pipeline, newIds);
            var setAside = SweepContract.SetAsideDropped(sweepDir, pipeline.Runs.Select(r => r.RunId));
            await AtomicFile.WriteTextAsync(Path.Combine(sweepDir, ArtifactLayout.PipelineFile), pipeline.ResolvedYaml);
            return setAside;
        }
    }

    /// <summary>Adopts the earlier run <paramref name="from"/> as <paramref name="to"/> (<see cref="AdoptedRun"/>), once
    /// checked that the sweep is still as the plan found it.</summary>
    static Task<AdoptedRun> TakeOverAsync(string sweepDir, string from, RunPlan to, LoadedPipeline pipeline, IReadOnlyDictionary<string, string> newIds)
    {
        var runsDir = Path.Combine(sweepDir, ArtifactLayout.RunsDir);
        if (!Directory.Exists(ArtifactLayout.RunDir(sweepDir, from)) || Directory.Exists(ArtifactLayout.RunDir(sweepDir, to.RunId)))
            throw new SlurmException($"{runsDir} changed since the submission was planned ({from} was to continue as {to.RunId}): submit again");
        return AdoptedRun.AdoptAsync(sweepDir, from, to, pipeline, newIds);
    }

    /// <summary>The Slurm job name: the sweep's folder name (letters, digits, - and _ only).</summary>
    static string JobName(LoadedPipeline p) =>
        new(Path.GetFileName(PipelineRunner.SweepDir(p, ".")).Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '_').ToArray());

    /// <summary>The pipeline a task trains: the submission's resolved copy, with the submission's profile
    /// (it names the sweep folder) and the folder its relative paths resolve against.</summary>
    public static LoadedPipeline LoadForTask(SlurmSubmission s) =>
        SpecLoader.Load(Path.Combine(s.Directory, SlurmSubmission.PipelineCopy), checkAnalysis: false, baseDirectory: s.BaseDirectory, checkPaths: true, stored: true)
            with { Profile = s.Profile };
}
