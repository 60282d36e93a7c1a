using Retention.Pipeline;
using Retention.Spec;

namespace Retention.Host.Commands;

/// <summary>
/// The exit code of `run` (and of a cluster task) once training ended without an error. A run whose data ran out before
/// train.steps did not train what its spec asked, and `status` counts it failed: the command exits 1 too, saying which
/// run and what to change, instead of 0 beside a summary that reads "1 data exhausted".
/// </summary>
public static class RunOutcome
{
    public static int ExitCode(PipelineResult result, LoadedPipeline pipeline, TextWriter errors)
    {
        if (result.Interrupted) return ExitCodes.Interrupted;
        var exhausted = result.Runs.Where(r => r.Status.State == RunStatus.DataExhausted).ToList();
        foreach (var (run, status) in exhausted)
            errors.WriteLine($"error: run '{run}' ran out of data at step {status.Steps:N0} of {StepsOf(pipeline, run):N0} (data exhausted): " +
                "its sources' epochs were all read; give them more (data.sources[].epochs, 0 repeats forever) or lower train.steps " +
                "(its tables up to that step are complete)");
        return exhausted.Count > 0 ? ExitCodes.Failed : ExitCodes.Ok;
    }

    static long StepsOf(LoadedPipeline pipeline, string run) => pipeline.Runs.FirstOrDefault(r => r.RunId == run)?.Spec.Train.Steps ?? 0;
}
