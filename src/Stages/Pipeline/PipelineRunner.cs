using System.Text.Json;
using Apache.Arrow;
using Retention.Analysis;
using Retention.Artifacts;
using Retention.Models;
using Retention.Spec;
using Retention.Synthetic;

namespace Retention.Pipeline;

/// <summary>Where a pipeline's artifacts went and what its analysis produced.</summary>
public sealed record PipelineResult(string SweepDir, IReadOnlyList<(string Run, RunStatus Status)> Runs,
    IReadOnlyList<AnalysisTableResult> Tables, bool Interrupted);

/// <summary>
/// Runs every cell of a loaded pipeline, then its analysis. Runs that differ only in
/// synthetic.width and seed train together in one batched graph (<see cref="SweepGroups"/>);
/// groups run one after another, or several at once with jobs &gt; 1. Each run still gets its own
/// directory and files.
/// Layout: &lt;root&gt;/&lt;name&gt;[-&lt;profile&gt;]/{pipeline.yaml, runs/&lt;run&gt;/..., analysis/...}.
/// </summary>
public static class PipelineRunner
{
    public static string SweepDir(LoadedPipeline p, string artifactsRoot) =>
        Path.Combine(artifactsRoot, p.Profile is null ? p.Spec.Name : $"{p.Spec.Name}-{p.Profile}");

    /// <param name="dataDirectory">What relative data and tokenizer paths resolve against; default the pipeline's
    /// <see cref="LoadedPipeline.BaseDirectory"/> (the file's folder).</param>
    /// <param name="analyze">Run the analysis section after training (false: train and write artifacts only,
    /// e.g. on a GPU server without DuckDB; `pipeline analyze SWEEP_DIR` runs it later).</param>
    /// <param name="overwrite">Delete a re-run's earlier results instead of keeping them under previous/.</param>
    /// <param name="only">Train only these runs, as one group (a cluster task: `pipeline task`): the sweep's other
    /// runs and its pipeline.yaml are left alone, earlier results of these runs are resumed (the contract is
    /// checked for them), and only their directory is locked, so the tasks of one sweep run side by side.</param>
    /// <param name="jobs">Groups trained at once (each group is its own trainer thread; with one
    /// LibTorch thread each, N jobs use N cores), for synthetic sweeps on the CPU and OLMo sweeps on
    /// any device (small OLMo models leave a GPU mostly idle between kernel launches). The first
    /// failure stops the others. Data runs, and synthetic runs on CUDA (whose inputs reseed the
    /// device's one generator), go one group at a time.</param>
    public static async Task<PipelineResult> RunAsync(LoadedPipeline pipeline, string artifactsRoot, IRunProgress progress,
        CancellationToken stop, string? dataDirectory = null, bool resume = false, bool analyze = true, int jobs = 1, bool overwrite = false,
        IReadOnlyCollection<string>? only = null)
    {
        if (jobs < 1) throw new ArgumentException($"jobs must be at least 1, got {jobs}");
        if (only is not null)
        {
            if (only.Count == 0) throw new ArgumentException("no runs to train");
            if (only.FirstOrDefault(id => pipeline.Runs.All(r => r.RunId != id)) is { } unknown)
                throw new ArgumentException($"run '{unknown}' is not a run of {pipeline.SourceName}");
            pipeline = pipeline with { Runs = [.. pipeline.Runs.Where(r => only.Contains(r.RunId))] };
            (resume, analyze, overwrite, jobs) = (true, false, false, 1);
        }
        dataDirectory ??= pipeline.BaseDirectory;
        // Fail before anything is deleted or trained when a run asks for a device this machine lacks (a data run uses
        // none, and needs no LibTorch).
        if (pipeline.Spec.TrainsModel)
            foreach (var device in pipeline.Runs.Select(r => r.Spec.Device).Distinct()) Training.Devices.Resolve(device);
        var sweepDir = SweepDir(pipeline, artifactsRoot);
        // Before anything in it is replaced: a local run locks the sweep and checks no cluster task holds one
        // of its runs; a cluster task locks its runs only (the tasks of a sweep run side by side) and
        // checks no local run holds the sweep.
        string RunDir(string run) => Path.Combine(sweepDir, ArtifactLayout.RunsDir, run);
        var runDirs = pipeline.Runs.Select(r => RunDir(r.RunId)).ToList();
        using var sweepLock = only is null ? SweepLock.Acquire(sweepDir) : SweepLock.AcquireAll(runDirs);
        if (only is null) runDirs.ForEach(SweepLock.ThrowIfHeld);
        else SweepLock.ThrowIfHeld(sweepDir);
        // A re-run starts afresh, its earlier results kept under previous/<time>/ (or deleted with
        // overwrite): runs left from an earlier sweep would otherwise join this one's analysis. With
        // resume, completed runs are kept and skipped, an OLMo run continues from its checkpoint, and a
        // run trained under a different spec is refused before anything changes.
        var sweptSchema = SweptValues.SchemaOf(pipeline.Swept);
        if (resume)
        {
            if (only is null)
            {
                var renamed = SweepContract.Renamed(sweepDir, pipeline).Select(r => (From: Path.GetFileName(r.FromDir), r.To)).ToList();
                var newIds = renamed.ToDictionary(r => r.From, r => r.To.RunId, StringComparer.Ordinal);
                foreach (var (from, to) in renamed)
                {
                    await AdoptedRun.AdoptAsync(sweepDir, from, to, pipeline, newIds);   // its swept values name the new parameters
                    progress.Info($"{from} continues as {to.RunId} (the same spec; the sweep's keys changed)");
                }
            }
            try
            {
                SweepContract.CheckResume(pipeline, sweepDir, dataDirectory);
                CompletedRunTables.RequireIntact(pipeline.Runs, RunDir, sweepDir, "--resume");
            }
            // A run's status.json or run.yaml that cannot be read is the sweep's own input, refused before anything trains:
            // invalid input (exit 2), as `status` says it of the same file, not a failed run.
            catch (ArtifactException e) { throw new SweepContractException(e.Message); }
            // Runs the sweep no longer has (a smaller --set sweep) would join its analysis: set them aside.
            if (only is null && SweepContract.SetAsideDropped(sweepDir, pipeline.Runs.Select(r => r.RunId)) is { } dropped)
            {
                progress.Info($"runs no longer in the sweep kept in {dropped}");
                if (Path.Combine(Path.GetDirectoryName(dropped)!, ArtifactLayout.AnalysisDir) is var analysis && Directory.Exists(analysis))
                    progress.Info($"the analysis of those runs kept in {analysis}");
            }
        }
        else if (overwrite) DiscardedResults.Discard(sweepDir);
        else if (SweepContract.SetAside(sweepDir) is { } kept) progress.Info($"earlier results kept in {kept}");
        Directory.CreateDirectory(sweepDir);
        if (only is null) DiscardedResults.RemoveLeftovers(sweepDir);
        if (only is null) await AtomicFile.WriteTextAsync(Path.Combine(sweepDir, ArtifactLayout.PipelineFile), pipeline.ResolvedYaml);
        progress.Info($"artifacts: {sweepDir}");

        var index = pipeline.Runs.Select((r, i) => (r, i)).ToDictionary(p => p.r.RunId, p => p.i);
        string experiment = pipeline.Spec.Experiment;
        bool synthetic = experiment == "synthetic";
        var statuses = new List<(string, RunStatus)>();
        // With --resume, completed runs are set aside before grouping, so a finished run is never
        // regrouped (grouping depends on --jobs) with an unfinished one and trained again.
        var pending = new List<RunPlan>();
        foreach (var run in pipeline.Runs)
        {
            var earlier = resume ? ReadStatus(RunDir(run.RunId)) : null;
            if (earlier?.State == "completed")
            {
                progress.Info($"{run.RunId}: completed earlier, skipped (--resume)");
                progress.RunCompletedEarlier(run.RunId, pipeline.Runs.Count);
                statuses.Add((run.RunId, earlier));
            }
            else pending.Add(run);
        }
        bool parallel = jobs > 1 && (experiment == "olmo" || synthetic && pending.All(r => Training.Devices.IsCpu(r.Spec.Device)));
        // A resume trains each checkpoint's runs together again, as they were saved, whatever --jobs it has.
        var groups = only is not null && synthetic && pending.Count > 0 && SweepGroups.TrainTogether(pending.Select(r => r.Spec)) ? [pending]
            : synthetic && resume ? SweepGroups.ForResume(pending, RunDir, parallel ? jobs : 1)
            : synthetic ? SweepGroups.Of(pending, parallel ? jobs : 1) : pending.Select(r => (IReadOnlyList<RunPlan>)[r]).ToList();
        parallel &= groups.Count > 1;

        async Task<IReadOnlyList<(string, RunStatus)>> RunGroupAsync(IReadOnlyList<RunPlan> group, CancellationToken token)
        {
            var cells = group.Select(run => new GraphCell(run.RunId, run.Spec, RunDir(run.RunId))).ToList();
            progress.GroupStarted([.. group.Select(r => r.RunId)]);
            foreach (var run in group) progress.RunStarted(run.RunId, index[run.RunId], pipeline.Runs.Count, run.Spec.Train.Steps);
            RunStatus status;
            // How documents without ids are named is the run's from its first attempt: a resume keeps it (read before
            // this attempt's provenance replaces the earlier one), so the held-out split never changes mid-run.
            var earlier = resume && group[0].Spec.Data is not null ? SweepContract.ReadProvenance(RunDir(group[0].RunId)) : null;
            var (ids, absoluteIdsFrom) = group[0].Spec.Data is null ? (null, null)
                : DocumentIdScheme.For(earlier, Path.GetFullPath(dataDirectory), RunDir(group[0].RunId));
            if (absoluteIdsFrom is not null)
                progress.Info($"{group[0].RunId}: documents without an id keep the ids it started with, absolute paths under {absoluteIdsFrom} " +
                    "(it first trained before ids were relative paths), so its held-out split does not change");
            var provenance = SweepContract.Start(group[0].Spec.Device) with
            {
                DataDirectory = group[0].Spec.Data is null ? null : Path.GetFullPath(dataDirectory),
                DataFingerprint = group[0].Spec.Data is { } data ? DataFingerprint.Of(data, Path.GetFullPath(dataDirectory)) : null,
                DataFiles = group[0].Spec.Data is { } read ? DataFingerprint.Files(read, Path.GetFullPath(dataDirectory)) : null,
                DocumentIds = ids,
                AbsoluteIdsFrom = absoluteIdsFrom,
            };
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var steps = new StepTracker(progress);
            // A cell's end: the step its attempt started after, status.json and provenance (where its directory is), the display.
            async Task<RunStatus> EndAsync(GraphCell cell, RunStatus end)
            {
                if (steps.StartedAfter(cell.RunId) is { } from) end = end with { FromStep = from };
                if (end.State == "completed") end = end with { Tables = CompletedRunTables.Expected(cell.Spec) };
                if (Directory.Exists(cell.RunDir))
                {
                    await RunStatusFile.WriteAsync(cell.RunDir, end);
                    await SweepContract.WriteAsync(cell.RunDir, provenance with { Finished = DateTime.UtcNow.ToString("o"), State = end.State });
                }
                progress.RunFinished(cell.RunId, end);
                return end;
            }
            foreach (var cell in cells)
            {
                Directory.CreateDirectory(cell.RunDir);
                RunStatusFile.Remove(cell.RunDir);
                await SweepContract.WriteAsync(cell.RunDir, provenance);
            }
            try
            {
                foreach (var (run, cell) in group.Zip(cells)) await RunHeader.WriteAsync(run, cell.RunDir, sweptSchema);
                status = experiment switch
                {
                    "olmo" => await OlmoRunGraph.RunAsync(cells[0], dataDirectory, steps, token, resume, absoluteIdsFrom, earlier?.DataDirectory),
                    "data" => await DataRunGraph.RunAsync(cells[0], dataDirectory, steps, token, absoluteIdsFrom),
                    _ => await SyntheticRunGraph.RunAsync(cells, steps, token, resume),
                };
            }
            catch (Exception e) when (token.IsCancellationRequested && IsCancellation(e))
            {
                // Stopped before training started (e.g. while the validation set was read): a stop, not a failure.
                status = new RunStatus("interrupted", steps.LastStep(cells[0].RunId), clock.Elapsed.TotalSeconds);
            }
            catch (Exception e)
            {
                // The cells of a group stop together; every one records the error and the last step it reached.
                // A failure of the machine around the run (a shard server down, a disk) leaves its checkpoint good: say so.
                var resumable = experiment == "olmo" && IsInfrastructure(e) && CheckpointStepOf(cells[0].RunDir) is { } at
                    ? $" (its checkpoint at step {at:N0} is kept: `pipeline run ... --resume` continues from it once that is fixed)" : "";
                var error = (Training.TorchLoading.Explain(e) ?? e.Message) + resumable;
                var culprit = cells.FirstOrDefault(c => c.RunId == Culprit(e));
                foreach (var cell in cells)
                    await EndAsync(cell, new RunStatus("failed", steps.LastStep(cell.RunId), clock.Elapsed.TotalSeconds,
                        culprit is null || cell == culprit ? error : StoppedWithGroup(culprit.RunId, error)));
                var blamed = culprit ?? cells[0];
                throw new PipelineRunException(blamed.RunId, blamed.RunDir, e, resumable);
            }
            var ends = new List<(string, RunStatus)>();
            foreach (var cell in cells) ends.Add((cell.RunId, await EndAsync(cell, status)));
            return ends;
        }

        if (!parallel)
        {
            foreach (var group in groups)
            {
                if (stop.IsCancellationRequested) break;
                statuses.AddRange(await RunGroupAsync(group, stop));
            }
        }
        else
        {
            // Widest groups first, so the long ones do not start last (the longest-job-first rule).
            using var failFast = CancellationTokenSource.CreateLinkedTokenSource(stop);
            var ordered = groups.OrderByDescending(g => g.Sum(Cost)).ToList();
            Exception? firstFailure = null;
            await Parallel.ForEachAsync(ordered, new ParallelOptions { MaxDegreeOfParallelism = jobs }, async (group, _) =>
            {
                if (failFast.IsCancellationRequested) return;
                try
                {
                    var done = await RunGroupAsync(group, failFast.Token);
                    lock (statuses) statuses.AddRange(done);
                }
                catch (Exception e)   // any failure (a run's, or writing its status) stops the others
                {
                    Interlocked.CompareExchange(ref firstFailure, e, null);
                    failFast.Cancel();
                }
            });
            if (firstFailure is not null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(firstFailure);
        }

        statuses.Sort((a, b) => index[a.Item1].CompareTo(index[b.Item1]));   // the sweep's order, not the groups'
        // Stopped before every run completed (a stop that came as the last step finished interrupted nothing).
        bool interrupted = stop.IsCancellationRequested && (statuses.Count < pipeline.Runs.Count || statuses.Any(s => s.Item2.State != "completed"));
        bool hasAnalysis = analyze && pipeline.Spec.Analysis.HasSteps;
        if (!interrupted) return new PipelineResult(sweepDir, statuses, hasAnalysis ? await AnalyzeTrainedSweep(sweepDir, pipeline) : [], false);

        var runsDir = Path.Combine(sweepDir, ArtifactLayout.RunsDir);
        if (!Directory.Exists(runsDir) || !Directory.EnumerateFileSystemEntries(runsDir).Any())
        {
            progress.Info("interrupted before any run wrote artifacts");
            return new PipelineResult(sweepDir, statuses, [], true);
        }
        // Said as it happens: a second Ctrl+C during the analysis exits before it ends (the host says so then).
        progress.Info("interrupted: artifacts written so far are complete and readable" + (hasAnalysis ? "; the analysis runs on them now" : ""));
        if (!hasAnalysis) return new PipelineResult(sweepDir, statuses, [], true);
        try
        {
            var tables = await AnalysisRunner.RunAsync(sweepDir, pipeline.Spec.Analysis, null, CancellationToken.None, pipeline);
            progress.Info("the analysis ran on what the interrupted runs wrote; `pipeline run ... --resume` finishes the runs and runs it again");
            return new PipelineResult(sweepDir, statuses, tables, true);
        }
        catch (Exception e) when (e is AnalysisException or ArtifactException)
        {
            // Too early for the analysis (no logged rows yet): the stop is still a stop, not a failure, in status.json too.
            // "did not complete": the steps before the failing one (and the other plots) were written.
            var why = $"the analysis of what the interrupted runs wrote did not complete ({(e is AnalysisException a ? UnwrittenTable.Explain(a, sweepDir) : e.Message)}); " +
                      "`pipeline run ... --resume` finishes the runs and then runs it";
            await AnalysisOutcome.RecordAsync(sweepDir, AnalysisOutcome.Interrupted, why);
            progress.Info(why);
            return new PipelineResult(sweepDir, statuses, [], true);
        }
    }

    /// <summary>The analysis after training; a failure says the training is safe and how to redo the analysis alone.</summary>
    static async Task<IReadOnlyList<AnalysisTableResult>> AnalyzeTrainedSweep(string sweepDir, LoadedPipeline pipeline)
    {
        try
        {
            return await AnalysisRunner.RunAsync(sweepDir, pipeline.Spec.Analysis, null, CancellationToken.None, pipeline);
        }
        catch (AnalysisException e)
        {
            throw new AnalysisException(e.Step, e.Cause +
                $"\n(the runs' artifacts in {sweepDir} are complete; after fixing the analysis, " +
                $"`pipeline analyze {sweepDir} --pipeline FILE{(pipeline.Profile is { } profile ? $" --profile {profile}" : "")}` redoes it without training)",
                e.InnerException, e.DeclaredAt);
        }
    }

    /// <summary>A run's relative training cost, for ordering concurrent groups: width × steps for a
    /// synthetic run; parameters (at the paper's vocabulary) × tokens for an OLMo run.</summary>
    static double Cost(RunPlan run) => run.Spec switch
    {
        { Experiment: "olmo", Olmo: { } o, Data: { } d } =>
            (double)OlmoRunGraph.Shape(o, OlmoConfig.Preset(o.Preset).VocabSize, d.Packing.SeqLen).ParameterCount() * d.Packing.TokensPerBatch * run.Spec.Train.Steps,
        var s => (double)s.Synthetic.Width * s.Train.Steps,
    };

    static bool IsCancellation(Exception e) => e switch
    {
        OperationCanceledException => true,
        AggregateException a => a.InnerExceptions.All(IsCancellation),
        { InnerException: { } inner } => IsCancellation(inner),
        _ => false,
    };

    /// <summary>Whether the failure came from outside the run's own work (a shard that could not be read, a network or
    /// disk fault), so that the run resumes as it was once that is fixed.</summary>
    static bool IsInfrastructure(Exception e)
    {
        for (Exception? x = e; x is not null; x = x.InnerException)
            if (x is IOException or HttpRequestException or UnauthorizedAccessException) return true;
        return false;
    }

    /// <summary>The step of an OLMo run's checkpoint, or null when it has none that reads.</summary>
    static long? CheckpointStepOf(string runDir)
    {
        var dir = Training.CheckpointFolder.Of(runDir);
        if (!Directory.Exists(dir)) return null;
        try { return Training.OlmoTrainer.Describe(dir).Step; }
        catch (Exception e) when (e is IOException or System.Text.Json.JsonException or InvalidDataException or UnauthorizedAccessException or Artifacts.ArtifactException) { return null; }
    }

    /// <summary>What a run of a group records when another run of it failed (a non-finite loss, a divergence): it stopped
    /// because they train together, not for anything of its own; the error stays, as it names the run to change.</summary>
    static string StoppedWithGroup(string culprit, string error) =>
        $"stopped with its group (its runs train together) when run '{culprit}' failed: {error}";

    /// <summary>The run a failure names, if any (a non-finite loss names its cell).</summary>
    static string? Culprit(Exception e)
    {
        for (Exception? x = e; x is not null; x = x.InnerException)
            if (x is NonFiniteLossException n) return n.RunId;
            else if (x is Training.DivergedException d) return d.RunId;
        return null;
    }

    // Kept here for their callers: the header and status.json have their own files.
    /// <inheritdoc cref="RunHeader.WriteAsync"/>
    public static Task WriteHeaderAsync(RunPlan run, string runDir, Schema swept) => RunHeader.WriteAsync(run, runDir, swept);

    /// <inheritdoc cref="RunHeader.Files"/>
    public static readonly IReadOnlyList<string> HeaderFiles = RunHeader.Files;

    /// <inheritdoc cref="RunStatusFile.Name"/>
    public const string StatusFile = RunStatusFile.Name;

    /// <inheritdoc cref="RunStatusFile.Read"/>
    public static RunStatus? ReadStatus(string runDir) => RunStatusFile.Read(runDir);
}

/// <summary>A run of the sweep failed; names the run and where its partial artifacts are.</summary>
/// <param name="note">Said after the cause (how to continue), or empty.</param>
public sealed class PipelineRunException(string run, string runDir, Exception inner, string note = "")
    : Exception($"run '{run}' failed: {inner.Message}{note} (artifacts written so far are in {runDir})", inner)
{
    public string Run { get; } = run;
}
