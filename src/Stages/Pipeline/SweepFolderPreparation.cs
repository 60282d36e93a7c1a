using Retention.Artifacts;

namespace Retention.Pipeline;

/// <summary>
/// Readies a sweep's folder before anything trains. A re-run starts afresh, its earlier results kept under
/// previous/&lt;time&gt;/ (or deleted with overwrite): runs left from an earlier sweep would otherwise join this one's
/// analysis. With resume, completed runs are kept and skipped, an OLMo run continues from its checkpoint, and a run
/// trained under a different spec is refused before anything changes. The folder then holds the sweep's pipeline.yaml.
/// </summary>
static class SweepFolderPreparation
{
    /// <param name="overwrite">Delete earlier results instead of keeping them under previous/ (not with resume).</param>
    /// <param name="wholeSweep">False for a cluster task's runs: the sweep's other runs and its pipeline.yaml are left alone.</param>
    /// <returns>With resume, each run's status.json as read here (null where it has none), for <see cref="TrainingPlan"/> to
    /// skip the completed runs by; else empty.</returns>
    public static async Task<IReadOnlyDictionary<string, RunStatus?>> PrepareAsync(SweepAttempt sweep, bool overwrite, bool wholeSweep)
    {
        var sweepDir = sweep.SweepDir;
        IReadOnlyDictionary<string, RunStatus?> earlierEnds = new Dictionary<string, RunStatus?>();
        if (sweep.Resume) earlierEnds = await KeepForResumeAsync(sweep, wholeSweep);
        else if (overwrite) DiscardedResults.Discard(sweepDir);
        else if (SweepContract.SetAside(sweepDir) is { } kept) sweep.Progress.Info($"earlier results kept in {kept}");
        Directory.CreateDirectory(sweepDir);
        if (wholeSweep)
        {
            DiscardedResults.RemoveLeftovers(sweepDir);   // what a killed `run --overwrite` left
            await AtomicFile.WriteTextAsync(Path.Combine(sweepDir, ArtifactLayout.PipelineFile), sweep.Pipeline.ResolvedYaml);
        }
        sweep.Progress.Info($"artifacts: {sweepDir}");
        return earlierEnds;
    }

    static async Task<IReadOnlyDictionary<string, RunStatus?>> KeepForResumeAsync(SweepAttempt sweep, bool wholeSweep)
    {
        if (wholeSweep && ResumeFromNothing.Note(sweep.SweepDir, sweep.Pipeline) is { } nothing) sweep.Progress.Note(nothing);
        if (wholeSweep) await AdoptRenamedAsync(sweep);
        IReadOnlyDictionary<string, RunStatus?> ends;
        // Each run's status.json read once, after the adoption moved renamed runs into place: the checks here and the
        // plan's skipping of completed runs all judge the same read (a file read again could have changed between).
        // One that cannot be read is the sweep's own input, refused before anything trains: invalid input (exit 2), as
        // `status` says it of the same file, not a failed run.
        try { ends = sweep.Runs.ToDictionary(r => r.RunId, r => RunStatusFile.Read(sweep.RunDir(r.RunId))); }
        catch (ArtifactException e) { throw new SweepContractException(e.Message); }
        ResumeRefusals.Check(sweep.Pipeline, sweep.SweepDir, sweep.DataDirectory, sweep.RunDir, run => ends[run]);
        if (wholeSweep) SetAsideDropped(sweep);
        return ends;
    }

    /// <summary>Earlier runs whose spec is a run's of the sweep under a new id (the sweep's keys changed) continue as it.</summary>
    static async Task AdoptRenamedAsync(SweepAttempt sweep)
    {
        var renamed = SweepContract.Renamed(sweep.SweepDir, sweep.Pipeline).Select(r => (From: Path.GetFileName(r.FromDir), r.To)).ToList();
        var newIds = renamed.ToDictionary(r => r.From, r => r.To.RunId, StringComparer.Ordinal);
        foreach (var (from, to) in renamed)
        {
            await AdoptedRun.AdoptAsync(sweep.SweepDir, from, to, sweep.Pipeline, newIds);   // its swept values name the new parameters
            sweep.Progress.Info($"{from} continues as {to.RunId} (the same spec; the sweep's keys changed)");
        }
    }

    /// <summary>Runs the sweep no longer has (a smaller --set sweep) would join its analysis: set them aside.</summary>
    static void SetAsideDropped(SweepAttempt sweep)
    {
        if (SweepContract.SetAsideDropped(sweep.SweepDir, sweep.Runs.Select(r => r.RunId)) is not { } dropped) return;
        sweep.Progress.Info($"runs no longer in the sweep kept in {dropped}");
        if (Path.Combine(Path.GetDirectoryName(dropped)!, ArtifactLayout.AnalysisDir) is var analysis && Directory.Exists(analysis))
            sweep.Progress.Info($"the analysis of those runs kept in {analysis}");
    }
}
