namespace Retention.Artifacts;

/// <summary>
/// One writer per sweep directory: two processes training into one directory would replace each
/// other's runs. The lock is an exclusive lock on <c>&lt;sweep&gt;/.lock</c> (an OS file lock, so it
/// is released when the process ends, even by SIGKILL); <c>.lock.owner</c> names the holder's process id.
/// </summary>
public sealed class SweepLock : IDisposable
{
    public const string FileName = ".lock";
    readonly FileStream stream;

    SweepLock(FileStream stream) => this.stream = stream;

    /// <summary>What <c>pipeline analyze</c> holds a sweep for: it writes analysis/ only, so `status` does not take its
    /// unfinished runs for running while it holds the lock.</summary>
    public const string ForAnalysis = "analysis";

    /// <summary>What <c>pipeline advise</c> holds a sweep for while it writes its advice into the sweep's analysis/: an
    /// analysis's hold as far as training goes (<see cref="IsAnalysis"/>), named apart so `status` says which command holds it.</summary>
    public const string ForAdvice = "advice";

    /// <summary>What <c>pipeline advise</c> holds a sweep for when it only reads it (its advice goes to another sweep's
    /// analysis/ or to --output): held against training as an analysis is, but nothing in the sweep is written, so `status`
    /// says it is being read rather than that its analysis is running.</summary>
    public const string ForReading = "read by advise";

    /// <summary>What <c>pipeline submit</c> holds a sweep for while it readies its folder for the jobs it queues (earlier
    /// runs moved aside or to new ids, pipeline.yaml written): it trains nothing, so `status` shows the runs as they are
    /// and says the sweep is being written by it.</summary>
    public const string ForSubmission = "submission";

    /// <summary>What <c>pipeline run --no-analysis</c> holds a sweep for: training, as a plain run's hold is (<see cref="IsTraining"/>),
    /// but no analysis follows when its runs end, so one who waits for it must analyze after it (<see cref="IsTrainingOnly"/>).</summary>
    public const string ForTrainingOnly = "training, --no-analysis";

    /// <summary>What <c>pipeline run</c> holds a sweep for when its pipeline has no analysis section: training, with none after.</summary>
    public const string ForTrainingWithoutAnalysisSection = "training; its pipeline has no analysis";

    /// <summary>What <c>pipeline probe</c> holds its scan folder (RUN/scans/TIME) for while it scans: a folder whose lock no
    /// live process holds, and that holds no tables, is one a killed probe left (the run's next probe removes it).</summary>
    public const string ForProbe = "probe";

    /// <exception cref="SweepLockedException">Another process holds the directory.</exception>
    /// <param name="purpose">Said in the holder's line (<see cref="ForAnalysis"/>, <see cref="ForAdvice"/>, <see cref="ForReading"/>,
    /// <see cref="ForSubmission"/>, <see cref="ForTrainingOnly"/>, <see cref="ForTrainingWithoutAnalysisSection"/>);
    /// null while training a sweep whose analysis follows.</param>
    public static SweepLock Acquire(string sweepDir, string? purpose = null)
    {
        Directory.CreateDirectory(sweepDir);
        var path = Path.Combine(sweepDir, FileName);
        FileStream stream;
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
                break;
            }
            catch (IOException e) when (IsContention(e))
            {
                // IsHeld (`pipeline status`, a starting task) takes a shared lock for an instant to probe: wait that out.
                if (attempt < RetriesOnContention) { Contended?.Invoke(sweepDir); Thread.Sleep(100); continue; }
                throw new SweepLockedException(sweepDir, Holder(sweepDir));
            }
            catch (IOException e) when (e is not FileNotFoundException and not DirectoryNotFoundException && !IsFull(e))
            {
                // A read-only folder, or a file system without locks (ENOLCK on some NFS mounts): not another process.
                throw new IOException($"cannot lock {path} for writing the sweep: {e.Message}", e);
            }
        }
        // Beside the lock, not in it: .NET's lock keeps other .NET processes from even reading the file.
        try { File.WriteAllText(path + ".owner", $"pid {Environment.ProcessId} on {Environment.MachineName} since {DateTimeOffset.Now:u}{(purpose is null ? "" : $" ({purpose})")}\n"); }
        catch (IOException) { /* only a courtesy for the message above */ }
        return new SweepLock(stream);
    }

    const int RetriesOnContention = 20;   // 2 s

    /// <summary>Test hook: called with the directory each time an <see cref="Acquire"/> finds it held and is about to wait and
    /// try again, on the acquiring thread, so a test can act between two attempts instead of guessing when one is made.</summary>
    internal static Action<string>? Contended;

    /// <summary>Locks each directory (a cluster task's runs); all or none.</summary>
    public static IDisposable AcquireAll(IEnumerable<string> dirs)
    {
        var held = new List<SweepLock>();
        try
        {
            foreach (var dir in dirs) held.Add(Acquire(dir));
            return new Held(held);
        }
        catch
        {
            foreach (var l in held) l.Dispose();
            throw;
        }
    }

    sealed class Held(List<SweepLock> locks) : IDisposable
    {
        public void Dispose() { foreach (var l in locks) l.Dispose(); }
    }

    /// <exception cref="SweepLockedException">A live process holds <paramref name="dir"/>.</exception>
    public static void ThrowIfHeld(string dir)
    {
        if (IsHeld(dir)) throw new SweepLockedException(dir, Holder(dir));
    }

    /// <summary>The holder's line ("pid N on HOST since TIME"), or "" where there is none.</summary>
    public static string Holder(string dir)
    {
        try { return File.ReadAllText(Path.Combine(dir, FileName) + ".owner").Trim(); }
        catch (IOException) { return ""; }
    }

    /// <summary>When the holder's line was written (the owner file's time, by the file system's clock, as the run files'
    /// beside it), or null where there is none: a holder writes it just after taking the lock, so a file written before
    /// this was written before the holder took the lock.</summary>
    public static DateTime? HolderSince(string dir)
    {
        var path = Path.Combine(dir, FileName) + ".owner";
        try { return File.Exists(path) ? File.GetLastWriteTimeUtc(path) : null; }
        catch (IOException) { return null; }
    }

    static bool IsFull(IOException e) => (e.HResult & 0xFFFF) is 28 or 122;

    /// <summary>Another process holds the lock: EWOULDBLOCK from flock (11 on Linux, 35 on macOS and the BSDs; .NET
    /// passes the raw errno), a sharing or lock violation on Windows.</summary>
    static bool IsContention(IOException e) => e is not FileNotFoundException and not DirectoryNotFoundException
        && (e.HResult & 0xFFFF) == (OperatingSystem.IsWindows() ? 32 : OperatingSystem.IsLinux() ? 11 : 35)
        || OperatingSystem.IsWindows() && (e.HResult & 0xFFFF) == 33;

    /// <summary>Whether a live process holds the directory's lock now (a killed one holds nothing).
    /// The probe takes a shared lock for an instant: probes (tasks starting side by side, `pipeline status`)
    /// never collide with each other, only with a holder; an Acquire that meets a probe retries.</summary>
    public static bool IsHeld(string dir)
    {
        var path = Path.Combine(dir, FileName);
        if (!File.Exists(path)) return false;
        try
        {
            using var probe = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            return false;
        }
        catch (IOException e) when (IsContention(e)) { return true; }
        catch (IOException) { return false; }   // gone meanwhile, or a file system that cannot lock: no holder to name
    }

    /// <summary>Whether a live process holds the directory to train in it: held, and not by an analysis nor a submission
    /// (a holder whose line is not written yet counts as training).</summary>
    public static bool IsHeldForTraining(string dir) => IsHeld(dir) && IsTraining(Holder(dir));

    /// <summary>Whether a holder's line is a training process's (a local `pipeline run`; a line not written yet counts as one):
    /// not an analysis's (<see cref="IsAnalysis"/>) nor a submission's (<see cref="IsSubmission"/>).</summary>
    public static bool IsTraining(string holder) => !IsAnalysis(holder) && !IsSubmission(holder);

    /// <summary>Whether a holder's line is a training process's that runs no analysis when its runs end: `run --no-analysis`
    /// (<see cref="ForTrainingOnly"/>), or a run of a pipeline without an analysis section.</summary>
    public static bool IsTrainingOnly(string holder) => holder.EndsWith($"({ForTrainingOnly})", StringComparison.Ordinal)
        || holder.EndsWith($"({ForTrainingWithoutAnalysisSection})", StringComparison.Ordinal);

    /// <summary>Whether a holder's line is `submit`'s readying the sweep's folder (<see cref="ForSubmission"/>).</summary>
    public static bool IsSubmission(string holder) => holder.EndsWith($"({ForSubmission})", StringComparison.Ordinal);

    /// <summary>Whether a holder's line (<see cref="Holder"/>) is an analysis's or an advice's: `analyze`'s, or `advise`'s
    /// writing analysis/ or only reading the sweep. None of them trains.</summary>
    public static bool IsAnalysis(string holder) => holder.EndsWith($"({ForAnalysis})", StringComparison.Ordinal) || IsAdvice(holder) || IsReading(holder);

    /// <summary>Whether a holder's line is `advise`'s writing the sweep's analysis/ (<see cref="ForAdvice"/>).</summary>
    public static bool IsAdvice(string holder) => holder.EndsWith($"({ForAdvice})", StringComparison.Ordinal);

    /// <summary>Whether a holder's line is `advise`'s only reading the sweep (<see cref="ForReading"/>).</summary>
    public static bool IsReading(string holder) => holder.EndsWith($"({ForReading})", StringComparison.Ordinal);

    public void Dispose() => stream.Dispose();

    /// <summary>Releases the lock and removes its files from <paramref name="dir"/>, for a folder that is an output rather than
    /// a sweep (a probe's scan folder): a finished scan holds its tables and nothing else. Left when another process took the
    /// lock meanwhile.</summary>
    public void DisposeAndRemove(string dir)
    {
        Dispose();
        RemoveUnheld(dir);
    }

    /// <summary>Removes the lock's files from <paramref name="dir"/> unless a live process holds it (a killed holder's are left).</summary>
    public static void RemoveUnheld(string dir)
    {
        if (IsHeld(dir)) return;
        try
        {
            File.Delete(Path.Combine(dir, FileName) + ".owner");
            File.Delete(Path.Combine(dir, FileName));
        }
        catch (IOException) { }   // the folder went meanwhile
    }
}

/// <param name="instead">What else the user can do than wait: a trainer can write elsewhere; `analyze` and `advise`, which
/// read this very sweep and take no --artifacts, can only come back after it.</param>
public sealed class SweepLockedException(string sweepDir, string holder, string instead = "or write elsewhere with --artifacts DIR")
    : IOException($"{(Path.GetFileName(Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(sweepDir))) == ArtifactLayout.RunsDir ? "the run directory" : "the sweep directory")} " +
                  $"{sweepDir} is in use by another pipeline process{(holder.Length > 0 ? $" ({holder})" : "")}; " +
                  $"wait for it to finish (`pipeline status` shows it), {instead}");
