using System.Text.Json;
using Retention.Analysis;
using Retention.Artifacts;
using Retention.Spec;
using Retention.Synthetic;

namespace Retention.Pipeline;

/// <summary>Where a pipeline's artifacts went and what its analysis produced.</summary>
public sealed record PipelineResult(string SweepDir, IReadOnlyList<(string Run, RunStatus Status)> Runs,
    IReadOnlyList<AnalysisTableResult> Tables, bool Interrupted);

/// <summary>
/// Runs every cell of a loaded pipeline (one after another), then its analysis.
/// Layout: &lt;root&gt;/&lt;name&gt;[-&lt;profile&gt;]/{pipeline.yaml, runs/&lt;run&gt;/..., analysis/...}.
/// </summary>
public static class PipelineRunner
{
    public static string SweepDir(LoadedPipeline p, string artifactsRoot) =>
        Path.Combine(artifactsRoot, p.Profile is null ? p.Spec.Name : $"{p.Spec.Name}-{p.Profile}");

    public static async Task<PipelineResult> RunAsync(LoadedPipeline pipeline, string artifactsRoot, IRunProgress progress,
        CancellationToken stop)
    {
        var sweepDir = SweepDir(pipeline, artifactsRoot);
        Directory.CreateDirectory(sweepDir);
        await AtomicFile.WriteTextAsync(Path.Combine(sweepDir, "pipeline.yaml"), pipeline.ResolvedYaml);
        progress.Info($"artifacts: {sweepDir}");

        var statuses = new List<(string, RunStatus)>();
        for (int i = 0; i < pipeline.Runs.Count && !stop.IsCancellationRequested; i++)
        {
            var run = pipeline.Runs[i];
            var runDir = Path.Combine(sweepDir, "runs", run.RunId);
            progress.RunStarted(run.RunId, i, pipeline.Runs.Count, run.Spec.Train.Steps);
            RunStatus status;
            try
            {
                await WriteRunHeaderAsync(run, runDir);
                status = await SyntheticRunGraph.RunAsync(run.RunId, run.Spec, runDir, progress, stop);
            }
            catch (Exception e)
            {
                status = new RunStatus("failed", 0, 0, e.Message);
                await WriteStatusAsync(runDir, status);
                progress.RunFinished(run.RunId, status);
                throw new PipelineRunException(run.RunId, runDir, e);
            }
            await WriteStatusAsync(runDir, status);
            progress.RunFinished(run.RunId, status);
            statuses.Add((run.RunId, status));
        }

        bool interrupted = stop.IsCancellationRequested;
        if (interrupted) progress.Info("interrupted: artifacts written so far are complete and readable; analysis runs on them");
        var tables = pipeline.Spec.Analysis.Tables.Count + pipeline.Spec.Analysis.Plots.Count == 0
            ? []
            : await AnalysisRunner.RunAsync(sweepDir, pipeline.Spec.Analysis, null, CancellationToken.None);
        return new PipelineResult(sweepDir, statuses, tables, interrupted);
    }

    static async Task WriteRunHeaderAsync(RunPlan run, string runDir)
    {
        Directory.CreateDirectory(runDir);
        var spec = run.Spec;
        var mixture = TaskMixture.From(spec.Synthetic, spec.Seed);
        await AtomicFile.WriteTextAsync(Path.Combine(runDir, "run.yaml"), run.ResolvedYaml);
        var sweep = string.Join(",", run.Parameters.Select(p => $"{p.Key}={p.Value}"));
        await ArrowFiles.WriteTableAsync(Path.Combine(runDir, "params.arrow"), SyntheticTables.Params,
            [new ParamsRow(sweep, spec.Synthetic.Width, spec.Seed, spec.Synthetic.Tasks, spec.Synthetic.DimsPerTask,
                spec.Train.Steps, spec.Train.BatchSize, spec.Train.Lr, spec.Device)]);
        await ArrowFiles.WriteTableAsync(Path.Combine(runDir, "theory.arrow"), SyntheticTables.Theory,
            SyntheticRecords.Theory(mixture, spec.Synthetic.Width));
        await ArrowFiles.WriteTableAsync(Path.Combine(runDir, "utilities.arrow"), SyntheticTables.Utilities,
            SyntheticRecords.Utilities(mixture));
    }

    static Task WriteStatusAsync(string runDir, RunStatus status) =>
        AtomicFile.WriteTextAsync(Path.Combine(runDir, "status.json"),
            JsonSerializer.Serialize(status, new JsonSerializerOptions { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower }));
}

/// <summary>A run of the sweep failed; names the run and where its partial artifacts are.</summary>
public sealed class PipelineRunException(string run, string runDir, Exception inner)
    : Exception($"run '{run}' failed: {inner.Message} (artifacts written so far are in {runDir})", inner)
{
    public string Run { get; } = run;
}
