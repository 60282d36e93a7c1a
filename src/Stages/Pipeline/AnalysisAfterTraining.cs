using Retention.Analysis;
using Retention.Artifacts;
using Retention.Spec;

namespace Retention.Pipeline;

/// <summary>The analysis section run on what a sweep's training wrote: after every run ended, or on what a stop left.</summary>
static class AnalysisAfterTraining
{
    /// <summary>The analysis after training; a failure says the training is safe and how to redo the analysis alone.</summary>
    public static async Task<IReadOnlyList<AnalysisTableResult>> OfTrainedAsync(string sweepDir, LoadedPipeline pipeline, IRunProgress progress)
    {
        try
        {
            return await AnalyzeAsync(sweepDir, pipeline, progress);
        }
        catch (AnalysisException e)
        {
            throw new AnalysisException(e.Step, e.Cause +
                $"\n(the runs' artifacts in {sweepDir} are complete; after fixing the analysis, " +
                $"`pipeline analyze {ShellWords.Quote(sweepDir)} --pipeline FILE{(pipeline.Profile is { } profile ? $" --profile {profile}" : "")}` redoes it without training)",
                e.InnerException, e.DeclaredAt) { Written = e.Written };
        }
    }

    /// <summary>A stopped sweep's result: the analysis (when <paramref name="hasAnalysis"/>) runs on the runs' artifacts so
    /// far, if they wrote any; one it is too early for is recorded and said, and the stop stays a stop.</summary>
    public static async Task<PipelineResult> OfInterruptedAsync(SweepAttempt sweep, IReadOnlyList<(string Run, RunStatus Status)> statuses, bool hasAnalysis)
    {
        var (sweepDir, progress) = (sweep.SweepDir, sweep.Progress);
        PipelineResult Interrupted(IReadOnlyList<AnalysisTableResult> tables) => new(sweepDir, statuses, tables, true);
        var runsDir = Path.Combine(sweepDir, ArtifactLayout.RunsDir);
        if (!Directory.Exists(runsDir) || !Directory.EnumerateFileSystemEntries(runsDir).Any())
        {
            progress.Info("interrupted before any run wrote artifacts");
            return Interrupted([]);
        }
        // Said as it happens: a second Ctrl+C during the analysis exits before it ends (the host says so then).
        progress.Info("interrupted: artifacts written so far are complete and readable" + (hasAnalysis ? "; the analysis runs on them now" : ""));
        if (!hasAnalysis) return Interrupted([]);
        try
        {
            var tables = await AnalyzeAsync(sweepDir, sweep.Pipeline, progress);
            progress.Info("the analysis ran on what the interrupted runs wrote; `pipeline run ... --resume` finishes the runs and runs it again");
            return Interrupted(tables);
        }
        catch (Exception e) when (e is AnalysisException or ArtifactException)
        {
            // Too early for the analysis (no logged rows yet): the stop is still a stop, not a failure, in status.json too.
            // "did not complete": the steps before the failing one (and the other plots) were written.
            var why = $"the analysis of what the interrupted runs wrote did not complete ({(e is AnalysisException a ? UnwrittenTable.Explain(a, sweepDir) : e.Message)}); " +
                      "`pipeline run ... --resume` finishes the runs and then runs it";
            // Which tables are current, as the failure recorded it, is kept.
            var failed = AnalysisOutcome.Read(sweepDir);
            await AnalysisOutcome.RecordAsync(sweepDir, AnalysisOutcome.Interrupted, why, current: (failed?.Tables, failed?.NotWritten, failed?.MovedTo));
            progress.Info(why);
            return Interrupted(e is AnalysisException written ? written.Written : []);
        }
    }

    /// <summary>Of `analyze`'s log, only where an earlier analysis's outputs went is said: the tables are printed after it, and a
    /// line per table loaded and written would bury a researcher's one question on a re-run (where did the old tables go?).</summary>
    static Task<IReadOnlyList<AnalysisTableResult>> AnalyzeAsync(string sweepDir, LoadedPipeline pipeline, IRunProgress progress) =>
        AnalysisRunner.RunAsync(sweepDir, pipeline.Spec.Analysis, null, CancellationToken.None, pipeline,
            note: progress.Note, moved: progress.Info);
}
