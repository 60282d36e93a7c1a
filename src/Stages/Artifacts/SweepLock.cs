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

    /// <exception cref="SweepLockedException">Another process holds the directory.</exception>
    public static SweepLock Acquire(string sweepDir)
    {
        Directory.CreateDirectory(sweepDir);
        var path = Path.Combine(sweepDir, FileName);
        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException e) when (e is not FileNotFoundException and not DirectoryNotFoundException && !IsFull(e))
        {
            string holder = "";
            try { holder = File.ReadAllText(path + ".owner").Trim(); } catch (IOException) { }
            throw new SweepLockedException(sweepDir, holder);
        }
        // Beside the lock, not in it: .NET's lock keeps other .NET processes from even reading the file.
        try { File.WriteAllText(path + ".owner", $"pid {Environment.ProcessId} on {Environment.MachineName} since {DateTimeOffset.Now:u}\n"); }
        catch (IOException) { /* only a courtesy for the message above */ }
        return new SweepLock(stream);
    }

    static bool IsFull(IOException e) => (e.HResult & 0xFFFF) is 28 or 122;

    /// <summary>Whether a live process holds the directory's lock now (a killed one holds nothing).</summary>
    public static bool IsHeld(string dir)
    {
        var path = Path.Combine(dir, FileName);
        if (!File.Exists(path)) return false;
        try
        {
            using var probe = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.None);
            return false;
        }
        catch (FileNotFoundException) { return false; }
        catch (IOException) { return true; }
    }

    public void Dispose() => stream.Dispose();
}

public sealed class SweepLockedException(string sweepDir, string holder)
    : IOException($"the sweep directory {sweepDir} is in use by another pipeline process{(holder.Length > 0 ? $" ({holder})" : "")}; " +
                  "wait for it to finish, or write elsewhere with --artifacts DIR");
