using Apache.Arrow;
using Retention.Analysis;
using Retention.Artifacts;
using Retention.Spec;

namespace Retention.Pipeline;

/// <summary>Where a pipeline's artifacts went and what its analysis produced.</summary>
public sealed record PipelineResult(string SweepDir, IReadOnlyList<(string Run, RunStatus Status)> Runs,
    IReadOnlyList<AnalysisTableResult> Tables, bool Interrupted);

/// <summary>
/// Runs every cell of a loaded pipeline, then its analysis. Runs that differ only in
/// synthetic.width and seed train together in one batched graph (<see cref="SweepGroups"/>);
/// groups run one after another, or several at once with jobs &gt; 1. Each run still gets its own
/// directory and files. The steps, in order: lock, <see cref="SweepFolderPreparation"/>, <see cref="TrainingPlan"/>,
/// <see cref="GroupSchedule"/> of <see cref="GroupTraining"/>, <see cref="AnalysisAfterTraining"/>.
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
        SweepDevices.Require(pipeline);
        var sweep = new SweepAttempt(pipeline, SweepDir(pipeline, artifactsRoot), dataDirectory, resume, progress);
        var sweepDir = sweep.SweepDir;
        bool wholeSweep = only is null;
        // Before anything in it is replaced: a local run locks the sweep and checks no cluster task holds one
        // of its runs; a cluster task locks its runs only (the tasks of a sweep run side by side) and
        // checks no local run holds the sweep.
        var runDirs = pipeline.Runs.Select(r => sweep.RunDir(r.RunId)).ToList();
        // The holder's line says when no analysis follows the training, for an `analyze` refused meanwhile (and `status`).
        var purpose = !analyze ? SweepLock.ForTrainingOnly : !pipeline.Spec.Analysis.HasSteps ? SweepLock.ForTrainingWithoutAnalysisSection : null;
        using var sweepLock = wholeSweep ? SweepLock.Acquire(sweepDir, purpose) : SweepLock.AcquireAll(runDirs);
        if (wholeSweep) runDirs.ForEach(SweepLock.ThrowIfHeld);
        else SweepLock.ThrowIfHeld(sweepDir);
        var earlierEnds = await SweepFolderPreparation.PrepareAsync(sweep, overwrite, wholeSweep);
        // Once this run has ended its lock no longer tells a query why the analysis's tables are missing: the record does.
        // A cluster task (not the whole sweep) is its submission's, which records its own analysis job.
        if (wholeSweep && !analyze) await NoAnalysisRun.RecordAsync(sweepDir);
        else if (wholeSweep) NoAnalysisRun.Forget(sweepDir);

        var plan = TrainingPlan.Of(sweep, earlierEnds, jobs, clusterTask: !wholeSweep);
        var trained = await GroupSchedule.RunAsync(plan.Groups, plan.Jobs, (group, token) => GroupTraining.RunAsync(sweep, group, token), stop);
        List<(string, RunStatus)> statuses = [.. plan.CompletedEarlier, .. trained];
        statuses.Sort((a, b) => sweep.PositionOf(a.Item1).CompareTo(sweep.PositionOf(b.Item1)));   // the sweep's order, not the groups'

        // Stopped before every run completed (a stop that came as the last step finished interrupted nothing).
        bool interrupted = stop.IsCancellationRequested && (statuses.Count < pipeline.Runs.Count || statuses.Any(s => s.Item2.State != "completed"));
        bool hasAnalysis = analyze && pipeline.Spec.Analysis.HasSteps;
        if (interrupted) return await AnalysisAfterTraining.OfInterruptedAsync(sweep, statuses, hasAnalysis);
        return new PipelineResult(sweepDir, statuses, hasAnalysis ? await AnalysisAfterTraining.OfTrainedAsync(sweepDir, pipeline, progress) : [], false);
    }

    // Kept here for their callers: the header and status.json have their own files.
    /// <inheritdoc cref="RunHeader.WriteAsync"/>
    public static Task WriteHeaderAsync(RunPlan run, string runDir, Schema swept, string? device = null) => RunHeader.WriteAsync(run, runDir, swept, device);

    /// <inheritdoc cref="RunHeader.Files"/>
    public static readonly IReadOnlyList<string> HeaderFiles = RunHeader.Files;

    /// <inheritdoc cref="RunStatusFile.Name"/>
    public const string StatusFile = RunStatusFile.Name;

    /// <inheritdoc cref="RunStatusFile.Read"/>
    public static RunStatus? ReadStatus(string runDir) => RunStatusFile.Read(runDir);
}
