using System.Text.RegularExpressions;

namespace Retention.Data.Corpus;

/// <summary>
/// The folders <see cref="NpmPackage.FetchAsync"/> stages a package in, inside the cache:
/// <c>.fetching-&lt;package&gt;@&lt;host&gt;-&lt;pid&gt;-&lt;guid&gt;</c>, named by the fetching process (<see cref="StagingNames"/>) so that
/// a later fetch can tell the leftover of a killed one (SIGKILL, a machine going down: no finally runs) from a fetch still
/// running. Each fetch removes the leftovers it finds, which were otherwise kept for good.
/// </summary>
public static partial class FetchStaging
{
    const string Prefix = ".fetching-";

    /// <summary>How old a staging folder must be before it is taken for a leftover whoever named it. `npm pack` of a package
    /// takes seconds to minutes, so a day is no running fetch's. The owner's pid alone cannot settle every folder: another
    /// machine's (a cache in a shared home folder) cannot be asked about, an earlier version named no owner, and a killed
    /// fetch's pid may since have been given to another process here.</summary>
    public static readonly TimeSpan StaleAfter = TimeSpan.FromDays(1);

    /// <summary>A new, empty staging folder for <paramref name="package"/>, named by this process. The guid tells apart two fetches
    /// in one process (the gpt2 tokenizer's and `data brown`'s, or tests run side by side).</summary>
    public static string Create(string cacheDir, string package) =>
        Directory.CreateDirectory(Path.Combine(cacheDir, $"{Prefix}{package}@{StagingNames.Current.Host}-{StagingNames.Current.Pid}-{Guid.NewGuid():N}")).FullName;

    /// <summary>Removes the staging folders in <paramref name="cacheDir"/> that no running fetch owns: this machine's whose process
    /// has exited, and any older than <see cref="StaleAfter"/>. A folder of a fetch that may still be running (another process
    /// here, alive; another machine's, recent) is left: removing it would fail that fetch.</summary>
    public static void RemoveStale(string cacheDir)
    {
        if (!Directory.Exists(cacheDir)) return;
        foreach (var folder in Directory.EnumerateDirectories(cacheDir, Prefix + "*"))
        {
            if (!IsStale(folder)) continue;
            // Another fetch starting at the same time may remove it first, and a folder that cannot be removed (permission
            // denied) costs only disk: neither is a reason to fail this fetch.
            try { Directory.Delete(folder, recursive: true); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        }
    }

    static bool IsStale(string folder)
    {
        DateTime written;
        try { written = Directory.GetLastWriteTimeUtc(folder); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return false; }
        if (DateTime.UtcNow - written > StaleAfter) return true;
        return Owner(Path.GetFileName(folder)) is { } owner && owner.Host == StagingNames.Current.Host && !owner.MayBeRunning();
    }

    /// <summary>Who named a staging folder; null for an earlier version's name (<c>.fetching-&lt;package&gt;-&lt;guid&gt;</c>). An npm
    /// package name holds no '@' past its start, nor a host name here (<see cref="StagingNames"/> keeps letters, digits, . _ -).</summary>
    internal static StagingNames? Owner(string name) =>
        OwnedName().Match(name) is { Success: true } m && int.TryParse(m.Groups[2].Value, out var pid) ? new StagingNames(m.Groups[1].Value, pid) : null;

    [GeneratedRegex(@"^\.fetching-.+@([A-Za-z0-9._-]+)-([0-9]+)-[0-9a-f]{32}$")]
    private static partial Regex OwnedName();
}
