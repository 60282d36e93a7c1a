using Retention.Artifacts;
using Retention.Messages;
using Retention.Pipeline;
using Retention.Spec;

namespace Retention.Analysis;

/// <summary>
/// A table the runs write but none has written yet (runs still training, or stopped or killed before their first
/// checkpoint; or completed by an earlier version that did not write it, <see cref="OlderRunTables"/>): what a query naming
/// it is told (MissingTable, in the host), and what a failed analysis records for `status` (<see cref="Explain"/>), so that
/// the analysis's log, `analyze` and `status` say the same.
/// </summary>
public static class UnwrittenTable
{
    /// <param name="name">The table the query named, which the catalog does not hold.</param>
    /// <param name="dir">What was queried: a sweep, a run directory or a folder of sweeps.</param>
    public static string? Note(string name, string dir)
    {
        var full = Path.GetFullPath(dir);
        var writing = SpecFiles(full).Where(file => Writes(file, name)).ToList();
        if (writing.Count == 0) return null;
        // Runs an earlier version completed without it: waiting writes nothing, they must run again.
        var older = OlderRunTables.Without(name, writing.Select(file => Path.GetDirectoryName(file)!));
        if (older.Count > 0) return OlderRunTables.Note(name, [.. older.Select(run => AsGiven(run, dir, full))]);
        return $"the runs write table '{name}', but none has written it yet: a run writes its tables at its checkpoints and when " +
            "it ends (runs still training, or stopped before their first checkpoint; `pipeline status` shows how far they are)";
    }

    /// <summary>
    /// A table the sweep's own analysis writes (its <c>analysis.tables</c>) that the query did not find: the analysis has not
    /// written it yet (runs still training, `run --no-analysis`, a failed or interrupted analysis), or the query was given one
    /// run's directory, whose tables are only the run's. Null when no pipeline there declares it.
    /// </summary>
    /// <param name="name">The table the query named, which the catalog does not hold.</param>
    /// <param name="dir">What was queried: a sweep, a run directory or a folder of sweeps.</param>
    public static string? AnalysisNote(string name, string dir)
    {
        var full = Path.GetFullPath(dir);
        var declaring = SpecFiles(full).Where(file => Analyses(file, name)).Select(file => Path.GetDirectoryName(file)!).ToList();
        if (declaring.Count == 0) return null;
        if (ArtifactLayout.KindOf(full) == ArtifactLayout.Kind.Run)
        {
            var parent = Path.GetDirectoryName(full)!;
            var sweep = Path.GetFileName(parent) == ArtifactLayout.RunsDir ? Path.GetDirectoryName(parent) : null;
            return $"table '{name}' is one the sweep's analysis writes, into the sweep's {ArtifactLayout.AnalysisDir}/, not a run's: " +
                (sweep is null ? "query the sweep directory" : $"query the sweep directory {sweep}");
        }
        // A sweep that has written it and still misses from the query had it left out, with a note of its own.
        var sweeps = declaring.Where(sweep => !Written(sweep, name)).ToList();
        if (sweeps.Count == 0) return null;
        if (sweeps.Count > 1)
            return $"table '{name}' is one the analysis of {Counted.Of(declaring.Count, "sweep")} here writes (analysis.tables in their " +
                $"{ArtifactLayout.PipelineFile}), and {(sweeps.Count == declaring.Count ? "none of them has" : $"{sweeps.Count} of them have not")} " +
                "written it yet:" + UnwrittenInSweeps.Lines(sweeps);
        return $"table '{name}' is one the sweep's analysis writes (analysis.tables in its {ArtifactLayout.PipelineFile}), and it has not " +
            $"written it yet: " + Why(sweeps[0], ShellWords.Quote(sweeps[0]));
    }

    /// <summary>Said where the sweep's records do not tell which case it is: true of each.</summary>
    static string General(string target) =>
        "a `pipeline run` (without --no-analysis) analyses when its runs end, and a submission's analysis job after its array; " +
        $"otherwise (trained with --no-analysis, an analysis job sbatch refused, an analysis that failed or was stopped) `pipeline analyze {target}` " +
        $"writes it (`pipeline status {target}` says where the sweep stands)";

    /// <summary>Why one sweep's analysis has not written the table, as far as its own records tell: the holder of its lock
    /// (a local run, with or without --no-analysis, training or analysing, or an analysis writing now), then the latest of: a
    /// `run --no-analysis` (<see cref="NoAnalysisRun"/>), the latest analysis's outcome and the latest submission (an analysis
    /// job queued, or none: sbatch refused it, as `status` reads it). Else <see cref="General"/>. Said of
    /// <paramref name="target"/> (the sweep's path, or SWEEP where several sweeps share a line, <see cref="UnwrittenInSweeps"/>).</summary>
    internal static string Why(string sweep, string target)
    {
        var holder = SweepLock.IsHeld(sweep) ? SweepLock.Holder(sweep) : null;
        // `analyze`'s hold only: an `advise` writes its advice there, not the analysis's tables.
        if (holder is not null && SweepLock.IsAnalysis(holder) && !SweepLock.IsAdvice(holder) && !SweepLock.IsReading(holder))
            return $"an analysis is writing the sweep's tables now ({holder}): query it again once that ends";
        if (holder is not null && SweepLock.IsTraining(holder)) return Training(sweep, holder, target);
        Cluster.SlurmSubmission? latest;
        try { latest = Cluster.SlurmSubmission.All(sweep).LastOrDefault(); }
        catch (Exception e) when (e is IOException or ArtifactException or UnauthorizedAccessException) { return General(target); }
        // A submission whose time does not parse orders nothing, as before it.
        var submitted = latest?.SubmittedUtc ?? DateTime.MinValue;
        // A `run --no-analysis` since the latest analysis began and the latest submission: where the sweep stands.
        if (NoAnalysisRun.Read(sweep) is { } trained && trained.StartedUtc > submitted && !(AnalysisOutcome.LatestUtc(sweep) >= trained.StartedUtc))
            return $"it was trained with `pipeline run --no-analysis` (started {trained.StartedUtc:yyyy-MM-dd HH:mm:ss} UTC), which runs no analysis: " +
                $"`pipeline analyze {target}` writes the analysis's tables (`pipeline status {target}` says where the runs stand)";
        // A failure recorded before the latest submission is that submission's past, not what comes of it (as `status` reads it).
        if (AnalysisOutcome.Read(sweep) is { State: "failed" } failed && failed.FinishedUtc > submitted)
            return $"its last analysis failed (`pipeline status {target}` says why): `pipeline analyze {target}` runs it again";
        var status = $"`pipeline status {target}` shows how far the runs are";
        if (latest is { ArrayJobId: { } array, AnalysisJobId: null, WithoutAnalysis: false })
            return $"its submission ({Path.Combine(Cluster.SlurmSubmission.Folder, $"submit-{latest.Number}")}, array job {array}) queued no analysis job " +
                $"(sbatch refused it): `pipeline analyze {target}` writes it once the runs end ({status})";
        if (latest is { AnalysisJobId: { } job })
            return $"its submission's analysis job {job} writes it after the array's runs end, or `pipeline analyze {target}` where that job " +
                $"did not run or failed (`pipeline status {target}` says where the sweep stands)";
        // Nothing was submitted, no local run holds the sweep (one holds it while it trains and analyses) and none recorded
        // training it with --no-analysis: none will analyse it by itself. A run or analysis stopped keeps no record of that.
        if (latest is null)
            return "no `pipeline run` is training the sweep now, and it was not submitted, so no analysis follows by itself (its runs or its " +
                $"analysis were stopped, or an earlier version trained it with --no-analysis): `pipeline analyze {target}` writes it";
        return General(target);
    }

    /// <summary>A local run holds the sweep: whether an analysis follows its training, or is being written now.</summary>
    /// <param name="holder">The lock's holder line; "" where the holder has not written it yet.</param>
    static string Training(string sweep, string holder, string target)
    {
        var status = $"`pipeline status {target}` shows how far the runs are";
        if (holder.Length == 0)
            return $"a pipeline process has just taken the sweep (its lock's holder line is not written yet): query it again in a moment ({status})";
        if (SweepLock.IsTrainingOnly(holder))
            return $"it is being trained {(holder.EndsWith($"({SweepLock.ForTrainingOnly})", StringComparison.Ordinal) ? "with --no-analysis" : "by a run of a pipeline without an analysis")} " +
                $"({holder}), which runs no analysis: `pipeline analyze {target}` writes it once the runs end ({status})";
        // The run's analysis began after it took the sweep (its 'started' record is newer than the holder's line): its runs have ended.
        if (AnalysisOutcome.Read(sweep) is null && File.Exists(AnalysisOutcome.PathOf(sweep)) && SweepLock.HolderSince(sweep) is { } since
            && File.GetLastWriteTimeUtc(AnalysisOutcome.PathOf(sweep)) >= since)
            return $"its runs have ended and the `pipeline run` holding it ({holder}) is writing the analysis now: query it again once that ends";
        return $"it is being trained ({holder}), and the analysis runs when the runs end ({status})";
    }

    /// <summary>A failed analysis as its outcome records it: a step that read a table the runs write but none has written,
    /// said as <see cref="Note"/> says it (DuckDB's "Catalog Error: Table with name … does not exist!" tells neither why
    /// nor what to do); any other failure as it is, without file positions (<see cref="AnalysisException.WithoutPositions"/>).</summary>
    /// <param name="dir">The sweep (or run) directory analysed.</param>
    public static string Explain(AnalysisException e, string dir) =>
        // One step's failure only: failed plots said together keep each their own words.
        e.InnerException is not AnalysisException && SqlRunner.MissingTableName(e.Cause) is { } name && Note(name, dir) is { } note
            ? $"{e.Step}: {note}"
            : e.WithoutPositions;

    /// <summary>The pipelines the queried runs were trained by: a sweep's pipeline.yaml, a run's run.yaml, or each sweep's
    /// in a folder of sweeps. A sweep none of whose runs has started yet (a submission whose tasks were all cancelled while
    /// pending: no runs/ folder) is still a sweep by its pipeline.yaml.</summary>
    static IEnumerable<string> SpecFiles(string dir) => ArtifactLayout.KindOf(dir) switch
    {
        ArtifactLayout.Kind.Sweep => [Path.Combine(dir, ArtifactLayout.PipelineFile)],
        ArtifactLayout.Kind.Run => [Path.Combine(dir, ArtifactLayout.RunManifest)],
        ArtifactLayout.Kind.SweepFolder => ArtifactLayout.Sweeps(dir).Select(s => Path.Combine(s, ArtifactLayout.PipelineFile)),
        _ => [Path.Combine(dir, ArtifactLayout.PipelineFile)],   // Writes gives false where there is none
    };

    /// <summary>A run folder as under the <paramref name="dir"/> the user gave (relative where it was).</summary>
    static string AsGiven(string run, string dir, string full) =>
        Path.GetRelativePath(full, run) is var below && below == "." ? dir : Path.Combine(dir, below);

    static bool Writes(string specFile, string table) =>
        Loaded(specFile) is { } spec && RunTables.Of(spec).Any(t => t.Name.Equals(table, StringComparison.OrdinalIgnoreCase));

    static bool Analyses(string specFile, string table) =>
        Loaded(specFile) is { } spec && spec.Analysis.Tables.Any(t => t.Name.Equals(table, StringComparison.OrdinalIgnoreCase));

    static bool Written(string sweep, string table) =>
        Directory.Exists(Path.Combine(sweep, ArtifactLayout.AnalysisDir))
        && Directory.EnumerateFiles(Path.Combine(sweep, ArtifactLayout.AnalysisDir), "*.arrow")
            .Any(f => Path.GetFileNameWithoutExtension(f).Equals(table, StringComparison.OrdinalIgnoreCase));

    static PipelineSpec? Loaded(string specFile)
    {
        if (!File.Exists(specFile)) return null;
        try
        {
            return SpecLoader.Load(specFile, checkAnalysis: false, stored: true).Spec;
        }
        catch (Exception e) when (e is SpecException or IOException or UnauthorizedAccessException)
        {
            return null;   // a note is a courtesy: a pipeline that no longer loads gives none
        }
    }
}
