using Retention.Artifacts;

namespace Retention.Host.Commands;

/// <summary>How `analyze` and `advise` take a sweep before they write its analysis/: refused while it is being trained, held
/// against every other writer while they write. Without the hold, a `run` started meanwhile would move runs/ and analysis/
/// aside and the earlier runs' tables would land in the new sweep, and two writers of analysis/ would interleave their files.</summary>
public static class AnalysisHold
{
    /// <param name="command">The command taking it, `analyze` or `advise`: said in the refusal, and in the holder's line.</param>
    /// <param name="writes">Whether the command writes the sweep's analysis/ (`advise` may only read it): said in the
    /// holder's line, from which `status` tells a running analysis from a sweep being read.</param>
    /// <exception cref="IOException">A run is training the sweep (its own analysis runs when its runs end).</exception>
    /// <exception cref="SweepLockedException">Another analysis or advice is writing the sweep's analysis/.</exception>
    public static IDisposable Acquire(string sweepDir, string command, bool writes = true)
    {
        // Its tables are still being written (by a local run holding the sweep, or cluster tasks holding their runs),
        // and the run or the submission's analysis job writes analysis/ itself when the runs end.
        if (SweepLock.IsHeldForTraining(sweepDir)) throw BeingTrained(sweepDir, command, SweepLock.Holder(sweepDir));
        SweepLock held;
        try { held = SweepLock.Acquire(sweepDir, command != "advise" ? SweepLock.ForAnalysis : writes ? SweepLock.ForAdvice : SweepLock.ForReading); }
        catch (SweepLockedException)
        {
            // Held by another analyze or advise: these commands take no --artifacts, so the trainer's hint would mislead.
            throw new SweepLockedException(sweepDir, SweepLock.Holder(sweepDir), $"then {command} again");
        }
        // The runs are checked with the sweep held, the reverse of a cluster task's order (its runs locked, then the sweep
        // checked): whichever comes second sees the other. Checked before taking the sweep, a task could start between the two.
        var runs = Path.Combine(sweepDir, ArtifactLayout.RunsDir);
        if (Directory.Exists(runs) && Directory.EnumerateDirectories(runs).FirstOrDefault(SweepLock.IsHeld) is { } run)
        {
            held.Dispose();
            var holder = SweepLock.Holder(run);
            throw BeingTrained(sweepDir, command, $"run {Path.GetFileName(run)}{(holder.Length > 0 ? $": {holder}" : "")}",
                noAnalysisJob: SubmissionWithoutAnalysis(sweepDir, Path.GetFileName(run)));
        }
        return held;
    }

    /// <param name="holder">Who trains it, as the lock's holder line says ("pid N on HOST since TIME", a run's prefixed
    /// "run NAME: "); "" where the line is not written yet.</param>
    /// <param name="noAnalysisJob">The submission whose task holds the run, where it queued no analysis job
    /// (<see cref="SubmissionWithoutAnalysis"/>); null otherwise.</param>
    static IOException BeingTrained(string sweepDir, string command, string holder, Cluster.SlurmSubmission? noAnalysisJob = null) =>
        new($"{sweepDir} is being trained by another pipeline process{(holder.Length > 0 ? $" ({holder})" : "")}; " +
            (noAnalysisJob is not null
                ? $"its submission ({Path.GetRelativePath(sweepDir, noAnalysisJob.Directory)}, array job {noAnalysisJob.ArrayJobId}) queued no analysis job" +
                  (noAnalysisJob.WithoutAnalysis ? " (its pipeline declares no analysis)" : "") + ": " +
                  $"{command} after its runs end (`pipeline status` shows how far they are)"
                : !SweepLock.IsTrainingOnly(holder) ? $"its analysis runs when its runs end (`pipeline status` shows how far they are), or {command} after it"
                // No analysis follows (`run --no-analysis`, or a pipeline without one): waiting for one would wait forever.
                : $"it runs no analysis of its own: {command} after its runs end (`pipeline status` shows how far they are)"));

    /// <summary>The newest submission that lists <paramref name="run"/> among its tasks' runs, where its array was submitted
    /// but no analysis job was (its pipeline declares no analysis, <see cref="Cluster.SlurmSubmission.WithoutAnalysis"/>; or
    /// sbatch refused it, which `submit` said, exiting 1): the task trains, and no analysis follows. Null where the newest
    /// such submission queued one, none lists the run, or one cannot be read.</summary>
    static Cluster.SlurmSubmission? SubmissionWithoutAnalysis(string sweepDir, string run)
    {
        try
        {
            var newest = Cluster.SlurmSubmission.All(sweepDir).LastOrDefault(s => s.Tasks.Any(t => t.Contains(run)));
            return newest is { ArrayJobId: not null, AnalysisJobId: null } ? newest : null;
        }
        catch (Exception e) when (e is IOException or ArtifactException or UnauthorizedAccessException) { return null; }
    }

    /// <summary>Each sweep held as <see cref="Acquire"/> holds one, all or none (advice pooling several sweeps reads each:
    /// one being trained would give its runs' latest evaluations as final). Each sweep once: the caller refuses repeats.</summary>
    /// <param name="writesInto">The folder the command writes: the sweep whose analysis/ it is is held as written, the
    /// others as only read.</param>
    public static IDisposable AcquireAll(IReadOnlyList<string> sweepDirs, string command, string writesInto)
    {
        var held = new List<IDisposable>();
        try
        {
            foreach (var sweep in sweepDirs) held.Add(Acquire(sweep, command, SameFolder(Path.Combine(sweep, ArtifactLayout.AnalysisDir), writesInto)));
            return new All(held);
        }
        catch
        {
            foreach (var h in held) h.Dispose();
            throw;
        }
    }

    static bool SameFolder(string a, string b) =>
        Path.TrimEndingDirectorySeparator(Path.GetFullPath(a)) == Path.TrimEndingDirectorySeparator(Path.GetFullPath(b));

    sealed class All(List<IDisposable> held) : IDisposable
    {
        public void Dispose() { foreach (var h in held) h.Dispose(); }
    }
}
