using Retention.Pipeline;

namespace Retention.Host.Commands;

/// <summary>
/// The exit code of `run` (and of a cluster task) once training ended without an error. A run whose data ran out before
/// train.steps did not train what its spec asked, and `status` counts it failed: the command exits 1 too, saying which
/// run and what to change, instead of 0 beside a summary that reads "1 data exhausted".
/// </summary>
public static class RunOutcome
{
    public static int ExitCode(PipelineResult result, TextWriter errors)
    {
        if (result.Interrupted) return ExitCodes.Interrupted;
        var exhausted = result.Runs.Where(r => r.Status.State == RunStatus.DataExhausted).ToList();
        foreach (var (run, status) in exhausted) errors.WriteLine($"error: run '{run}' {status.Error}");
        return exhausted.Count > 0 ? ExitCodes.Failed : ExitCodes.Ok;
    }
}
