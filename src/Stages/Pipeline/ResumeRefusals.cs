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

    /// <summary>Where a resume of the sweep in <paramref name="sweepDir"/> finds each run, as it stands before the resume renames
    /// any: an earlier run it adopts under a new id (the sweep's keys changed) in that run's folder; and each run's status.json
    /// read there.</summary>
    /// <exception cref="SweepContractException">A run's status.json cannot be read: the resume refuses the sweep for that file.</exception>
    public static (Func<string, string> FoundAt, IReadOnlyDictionary<string, RunStatus?> Ends) Found(LoadedPipeline pipeline, string sweepDir)
    {
        var adopted = SweepContract.Renamed(sweepDir, pipeline).ToDictionary(r => r.To.RunId, r => r.FromDir, StringComparer.Ordinal);
        string FoundAt(string run) => adopted.GetValueOrDefault(run) ?? ArtifactLayout.RunDir(sweepDir, run);
        try { return (FoundAt, pipeline.Runs.ToDictionary(r => r.RunId, r => RunStatusFile.Read(FoundAt(r.RunId)))); }
        catch (ArtifactException e) { throw new SweepContractException(e.Message); }
    }

    /// <summary>Refuses a resume of the sweep in <paramref name="sweepDir"/> as it will be refused before it trains, as it stands
    /// now (<see cref="Found"/>, <see cref="Check"/>): asked where a run is too large for this machine alone, so the user is not
    /// told to shrink a run the resume refuses anyway. The held sweep is the caller's to say (<c>SweepHolds</c>).</summary>
    /// <param name="dataDirectory">What the runs' data paths resolve against (the resume's), for a run's data changed since.</param>
    /// <exception cref="SweepContractException">As <see cref="Found"/> and <see cref="Check"/>.</exception>
    public static void Require(LoadedPipeline pipeline, string sweepDir, string? dataDirectory)
    {
        var (foundAt, ends) = Found(pipeline, sweepDir);
        Check(pipeline, sweepDir, dataDirectory, foundAt, run => ends[run]);
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
