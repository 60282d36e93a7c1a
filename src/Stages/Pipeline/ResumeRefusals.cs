using Retention.Artifacts;
using Retention.Spec;

namespace Retention.Pipeline;

/// <summary>
/// What a --resume refuses a sweep for before anything trains, whatever the machine: a completed or stopped run trained under
/// another spec (or on other data), a run.yaml that cannot be read, a completed run that lost a table, another process holding
/// the sweep or one of its runs. The memory check (<see cref="MachineMemoryCheck"/>) comes first, before anything is written;
/// where one of these is pending it steps aside, so the user is told what stops the resume, not to sweep fewer seeds and
/// then met with it.
/// </summary>
public static class ResumeRefusals
{
    /// <summary>Refuses the resume as it is about to continue the sweep's runs (their folders where the resume finds them);
    /// touches nothing.</summary>
    /// <param name="runDir">A run's folder by its id.</param>
    /// <param name="endOf">A run's status.json (by run id) as the caller read it.</param>
    /// <exception cref="SweepContractException">A run's spec or data changed, its run.yaml cannot be read (the file is named),
    /// or a completed run lacks a table.</exception>
    public static void Check(LoadedPipeline pipeline, string sweepDir, string? dataDirectory, Func<string, string> runDir, Func<string, RunStatus?> endOf)
    {
        try
        {
            SweepContract.CheckResume(pipeline, sweepDir, dataDirectory, endOf: endOf);
            CompletedRunTables.RequireIntact(pipeline.Runs, runDir, sweepDir, "--resume", endOf);
        }
        // A run's run.yaml that cannot be read is the sweep's own input, refused before anything trains: invalid input
        // (exit 2), as `status` says it of the same file, not a failed run.
        catch (ArtifactException e) { throw new SweepContractException(e.Message); }
    }

    /// <summary>Whether a resume of the sweep in <paramref name="sweepDir"/> would be refused before it trains (<see cref="Check"/>,
    /// or another process holding the sweep or a run of it), as it stands before the resume renames any run.</summary>
    public static bool Pending(LoadedPipeline pipeline, string sweepDir, Func<string, string> runDir, Func<string, RunStatus?> endOf)
    {
        var runs = Path.Combine(sweepDir, ArtifactLayout.RunsDir);
        if (SweepLock.IsHeld(sweepDir) || Directory.Exists(runs) && Directory.EnumerateDirectories(runs).Any(SweepLock.IsHeld)) return true;
        // Without the data folder: only synthetic sweeps are checked for memory, and they read no data.
        try { Check(pipeline, sweepDir, dataDirectory: null, runDir, endOf); }
        catch (SweepContractException) { return true; }
        return false;
    }
}
