using Retention.Artifacts;

namespace Retention.Host.Commands;

/// <summary>
/// One writer at a time in a folder `probe --output` or `advise` writes that is no sweep's: two scans or two advices into one
/// folder would interleave their files (each puts its set in place whole, but a set beside or over the other's). The lock is a
/// sweep's (<see cref="SweepLock"/>: <c>.lock</c> and <c>.lock.owner</c> in the folder, released when the process ends, even by
/// SIGKILL), and its files go when the command ends (<see cref="ScanClaim"/>), so the folder keeps its tables only.
/// </summary>
public static class OutputLock
{
    /// <param name="purpose">Said in the holder's line (<see cref="SweepLock.ForProbe"/>, <see cref="SweepLock.ForAdvice"/>).</param>
    /// <param name="named">The folder as the refusal names it ("--output DIR", "the advice folder DIR").</param>
    /// <param name="elsewhere">What to do instead of waiting, in the command's words ("give another --output").</param>
    /// <exception cref="OutputLockedException">A live process holds the folder.</exception>
    public static ScanClaim Acquire(string dir, string purpose, string named, string elsewhere)
    {
        try { return new ScanClaim(dir, SweepLock.Acquire(dir, purpose)); }
        catch (SweepLockedException) { throw new OutputLockedException(named, SweepLock.Holder(dir), elsewhere); }
    }

    /// <summary>Whether <paramref name="name"/> (a file name) is one of the lock's files: no output of the folder's (a killed
    /// holder's are left behind, and the next writer's lock takes them over and removes them).</summary>
    public static bool IsLockFile(string name) => name is SweepLock.FileName or SweepLock.FileName + ".owner";
}

/// <summary>Another process writes the folder now; the message names the folder and the holder, as a sweep's lock does.</summary>
public sealed class OutputLockedException(string named, string holder, string elsewhere)
    : IOException($"{named} is in use by another pipeline process{(holder.Length > 0 ? $" ({holder})" : "")}; " +
                  $"wait for it to finish, or {elsewhere}");
