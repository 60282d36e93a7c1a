using System.CommandLine;
using Retention.Analysis;
using Retention.Artifacts;
using Retention.Host.Output;
using Retention.Spec;

namespace Retention.Host.Commands;

/// <summary>
/// `pipeline analyze SWEEP_DIR [--pipeline FILE]`: (re)runs an analysis section over a sweep's artifacts, by
/// default the one in the sweep's own resolved pipeline.yaml. For runs trained with
/// `run --no-analysis` (a GPU server without DuckDB) and for analyses edited after training.
/// </summary>
public static class AnalyzeCommand
{
    public static Command Build()
    {
        var dir = new Argument<string>("sweep-dir") { Description = "A sweep directory written by `pipeline run` (artifacts/NAME[-PROFILE])." }
            .NotEmpty("a sweep directory (artifacts/NAME[-PROFILE])");
        var file = new Option<string?>("--pipeline", "-f") { Description = "Take the analysis: section from this pipeline file instead of SWEEP_DIR/pipeline.yaml." }
            .NotEmpty("a pipeline file, or leave --pipeline out for the sweep's own pipeline.yaml");
        // A sweep trained with --profile has that profile's analysis in its saved pipeline.yaml; --pipeline reads the file
        // as written, so a profile's own tables or SQL need the profile named again.
        var profile = new Option<string?>("--profile", "-p") { Description = "With --pipeline: apply this profile of FILE (the one the sweep was trained with) before taking its analysis." };
        var cmd = new Command("analyze", "Run a pipeline's analysis tables and plots over artifacts already written.") { dir, file, profile };
        cmd.SetAction(async (r, ct) =>
        {
            try
            {
                var sweepDir = r.GetValue(dir)!;
                if (r.GetValue(profile) is { } named && r.GetValue(file) is null)
                    throw new UsageException($"--profile {named} applies to --pipeline FILE: the sweep's own pipeline.yaml has its profile applied already");
                // Also where a folder of sweeps is given: the same check and words as `pipeline status`.
                var ownFile = r.GetValue(file) is null ? ArtifactLayout.SweepPipelineFile(sweepDir) : null;
                ArtifactLayout.RequireSweepDirectory(sweepDir);
                // Held while the tables are written: a `run` started meanwhile would move runs/ and analysis/ aside, and this
                // analysis would then write tables of the earlier runs, and their outcome, into the new sweep.
                using var held = AnalysisHold.Acquire(sweepDir, "analyze");
                var path = r.GetValue(file) ?? ownFile!;
                // The sweep's own file was written by this program; nothing trains here, and the errors say so.
                // A step that fails is said at its position in the file its analysis was read from: --pipeline's, or else
                // the sweep's saved pipeline.yaml, whose lines are the ones that ran (the file `run` was given may have
                // changed since, and a profile's or a --set's entry is written out in the saved one).
                var pipeline = SpecLoader.Load(path, r.GetValue(profile), stored: r.GetValue(file) is null, analysisMoment: AnalysisCheckMoment.BeforeAnalysis,
                    checkResources: false);   // nothing trains here: a sweep trained on a larger machine is analysed on a smaller one
                if (r.GetValue(file) is { } other && TrainedExperiment(sweepDir) is { } trained && trained != pipeline.Spec.Experiment)
                    // Its SQL was checked against the tables its own experiment writes: refused before any file moves.
                    throw new UsageException($"--pipeline {other}: is an experiment: {pipeline.Spec.Experiment} pipeline, but {sweepDir} holds " +
                        $"experiment: {trained} runs (its {ArtifactLayout.PipelineFile}); its analysis reads tables those runs do not write");
                // A completed run that lost a table since would have its rows left out of every table without a word (a truncated
                // one fails the catalog; a deleted one is not there to fail it): refused as --resume refuses it. The runs are the
                // sweep's own, also when --pipeline gives another file's analysis.
                var trainedRuns = ownFile is not null ? pipeline.Runs
                    : File.Exists(ArtifactLayout.SweepPipelineFile(sweepDir))
                        ? SpecLoader.Load(ArtifactLayout.SweepPipelineFile(sweepDir), stored: true, checkAnalysis: false).Runs : pipeline.Runs;
                Pipeline.CompletedRunTables.RequireIntact(trainedRuns, run => ArtifactLayout.RunDir(sweepDir, run), sweepDir, "`pipeline analyze`");
                var tables = await AnalysisRunner.RunAsync(sweepDir, pipeline.Spec.Analysis, Console.Out, ct, pipeline,
                    note: n => Console.Error.WriteLine($"note: {n}"));
                Interrupt.WorkWritten();
                PrintedTables.Print(tables);
                // The runs in the folder decide what is mixed: the sweep they were trained under, not a --pipeline file's.
                var sweep = ownFile is null ? Pipeline.SweepContract.StoredSweep(sweepDir) ?? pipeline.Spec.Sweep : pipeline.Spec.Sweep;
                Errors.Warn(pipeline.SourceName, [.. SweptKeyCoverage.Check(pipeline.Spec.Analysis, sweep, tables),
                    .. SweptKeyCoverage.Advice(pipeline.Spec.Experiment, pipeline.Spec.Analysis, sweep)]);
                if (UnfinishedRuns.Note(trainedRuns, sweepDir) is { } unfinished) Console.Error.WriteLine($"note: {unfinished}");
                if (r.GetValue(file) is { } given)
                    Console.WriteLine($"analysed with {given}'s analysis; the sweep's own pipeline.yaml, which a plain `analyze` and " +
                        "`run --resume` use, is unchanged");
                return 0;
            }
            catch (Exception e) when (Errors.IsUserFacing(e))
            {
                PrintedTables.WrittenBefore(e);   // before the error, which says they were written
                int exit = Errors.Report(e, inputErrors: e is not AnalysisException, advice: WriteAdvice.Output);
                // A table the runs write but none has yet (stopped before their first checkpoint): said as `query` says it.
                if (e is AnalysisException && SqlRunner.MissingTableName(e.Message) is { } missing && UnwrittenTable.Note(missing, r.GetValue(dir)!) is { } note)
                    Console.Error.WriteLine($"note: {note}");
                return exit;
            }
        });
        return cmd;
    }

    /// <summary>The experiment the sweep's runs were trained as (its saved pipeline.yaml), or null where that cannot be read.</summary>
    static string? TrainedExperiment(string sweepDir)
    {
        var saved = Path.Combine(sweepDir, ArtifactLayout.PipelineFile);
        if (!File.Exists(saved)) return null;
        try { return SpecLoader.Load(saved, checkAnalysis: false, stored: true).Spec.Experiment; }
        catch (Exception e) when (Errors.IsUserFacing(e)) { return null; }
    }
}
