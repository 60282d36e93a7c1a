using Retention.Artifacts;

namespace Retention.Host.Commands;

/// <summary>
/// What a killed `pipeline probe` leaves in its scan folder (RUN/scans/TIME): the folder, made when the scan started, with its
/// lock's files and perhaps a table's .tmp, but no tables (they are written, whole, only when the scan ends). SIGKILL runs no
/// code to remove it, so the lock tells: a folder whose lock no live process holds is no scan's any more.
/// </summary>
public static class ScanLeftovers
{
    /// <summary>The probe's line in <paramref name="dir"/>'s lock ("pid N on HOST since TIME"), "" where none is there.</summary>
    static string Prober(string dir) => SweepLock.Holder(dir) is var line && line.EndsWith(Purpose, StringComparison.Ordinal) ? line[..^Purpose.Length] : line;

    static readonly string Purpose = $" ({SweepLock.ForProbe})";

    /// <summary>What a probe puts in its folder before its tables: the lock's files, and each table under .tmp while written.</summary>
    static bool IsLeftover(string name) => name is SweepLock.FileName or SweepLock.FileName + ".owner" || name.EndsWith(LeftoverTmp.Suffix, StringComparison.Ordinal);

    /// <summary>Removes what killed probes left in <paramref name="scansDir"/>: a scan folder with no live holder (nor a scan
    /// taking it now) loses its lock's files and .tmp files, and goes when that leaves it empty (an earlier scan's tables
    /// keep theirs). Returns each folder removed, with the line of the probe that left it ("" where none is known).</summary>
    /// <param name="except">The calling scan's own folder, which its lock holds (a lock this process holds is no other's).</param>
    public static IReadOnlyList<(string Folder, string Holder)> Remove(string scansDir, string? except = null)
    {
        var removed = new List<(string, string)>();
        if (!Directory.Exists(scansDir)) return removed;
        // Listed before each is checked: a folder made after the listing is not looked at, one listed was made before its claim went.
        foreach (var folder in Directory.GetDirectories(scansDir))
        {
            if (except is not null && Path.GetFullPath(folder) == Path.GetFullPath(except) || FreeName.IsBeingTaken(folder) || SweepLock.IsHeld(folder)) continue;   // this scan's, a scan starting, or running
            var holder = Prober(folder);
            var stale = Directory.EnumerateFileSystemEntries(folder).Select(Path.GetFileName).OfType<string>().Where(IsLeftover).ToList();
            if (stale.Count == 0) { EmptyFolder.RemoveIfEmpty(folder); if (!Directory.Exists(folder)) removed.Add((folder, holder)); continue; }
            try
            {
                // Held while it cleans, so that a probe given this folder as --output meanwhile is not cleaned under.
                using (SweepLock.Acquire(folder, SweepLock.ForProbe))
                    LeftoverTmp.Remove(folder);
            }
            catch (IOException) { continue; }   // taken meanwhile, or a folder it cannot write: left as it is
            SweepLock.RemoveUnheld(folder);
            EmptyFolder.RemoveIfEmpty(folder);
            if (!Directory.Exists(folder)) removed.Add((folder, holder));
        }
        return removed;
    }

    static bool InScans(string dir) =>
        Path.GetFileName(Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(dir)))) == ProbeTarget.ScansDir;

    /// <summary>Why <paramref name="dir"/>, which holds no tables, holds none, where it is a probe's scan folder: being scanned
    /// now, or left by a probe that was killed; null for any other folder.</summary>
    public static string? WhyNoTables(string dir)
    {
        if (!SweepLock.Holder(dir).EndsWith(Purpose, StringComparison.Ordinal)) return null;
        var holder = Prober(dir);
        return SweepLock.IsHeld(dir)
            ? $"{dir} is a scan that `pipeline probe` is running ({holder}): it writes its tables when it ends"
            : $"{dir} is a scan whose probe ({holder}) was killed before it wrote its tables: there is nothing in it to query; " +
              // A run's scans/ is cleaned by its next probe; an --output folder elsewhere only by a probe given it again.
              (InScans(dir) ? "the run's next `pipeline probe` removes it" : "the next `pipeline probe --output` into it takes it over");
    }
}
