using System.Globalization;
using Retention.Messages;
using Retention.Spec;

namespace Retention.Pipeline;

/// <summary>
/// Why a resume's data paths read other files than when the run started, said so that the advice works. When the
/// paths resolve against another folder than then (another --data-dir, a copy of the pipeline elsewhere) and that folder
/// still holds what the run read, --data-dir with it continues the run. Otherwise the data itself was rewritten
/// (re-tokenized in place, a shard added or grown): no option continues the run on it, only restoring the data does.
/// Which files differ comes from the list the run recorded when it started (runs of earlier versions kept only the fingerprint).
/// </summary>
public static class DataDrift
{
    /// <summary>The problem of one run (without its id), or null when its paths read what they read when it started.</summary>
    /// <param name="dataDirectory">What this resume resolves the paths against.</param>
    public static string? Problem(SweepContract.Provenance earlier, DataSpec data, string dataDirectory)
    {
        if (earlier.DataFingerprint is not { } before) return null;
        var now = Path.GetFullPath(dataDirectory);
        var files = DataFingerprint.Files(data, now);
        if (DataFingerprint.Of(files) == before) return null;
        var differences = Differences(earlier.DataFiles, files);
        if (earlier.DataDirectory is { } then && !SameFolder(then, now))
            return $"its data paths now read other files (names or sizes) than when it trained: they resolved against {then}, now against {now} ({differences}); " +
                (Directory.Exists(then) && DataFingerprint.Of(data, then) == before
                    ? $"give --data-dir {then} to continue it on the same data"
                    : $"{then} no longer holds that data either: restore it to continue the run, or train it afresh");
        return $"its data was rewritten since the run started: its paths, resolved against {now} as when it trained, now read other files " +
            $"({differences}); to continue the run, restore the data as it was, or train it afresh";
    }

    /// <summary>Which files differ, a few of each kind: "1 changed size: a.npy 1,024 bytes → 2,048 bytes; 2 added: b.npy, c.npy".</summary>
    /// <param name="before">The run's recorded list; null for runs an earlier version started, which recorded only the fingerprint.</param>
    public static string Differences(IReadOnlyList<DataFile>? before, IReadOnlyList<DataFile> now)
    {
        if (before is null) return "which files differ is unknown: the run's provenance.json, from an earlier version, records only their fingerprint";
        var (was, @is) = (ByName(before), ByName(now));
        var resized = now.DistinctBy(f => f.Name).Where(f => was.TryGetValue(f.Name, out var w) && w.Size != f.Size)
            .Select(f => $"{f.Name} {Bytes(was[f.Name].Size)} → {Bytes(f.Size)}").ToList();
        var added = now.DistinctBy(f => f.Name).Where(f => f.Kind != "unreadable" && !was.ContainsKey(f.Name)).Select(f => f.Name).ToList();
        var removed = before.DistinctBy(f => f.Name).Where(f => f.Kind != "unreadable" && !@is.ContainsKey(f.Name)).Select(f => f.Name).ToList();
        var unlisted = now.DistinctBy(f => f.Name).Where(f => f.Kind == "unreadable" && !was.ContainsKey(f.Name)).Select(f => f.Name).ToList();
        var parts = new[] { (resized, "changed size"), (added, "added"), (removed, "removed"), (unlisted, "cannot be listed now") }
            .Where(p => p.Item1.Count > 0).Select(p => $"{p.Item1.Count} {p.Item2}: {Listing.FirstFew(p.Item1)}").ToList();
        return parts.Count > 0 ? string.Join("; ", parts) : "the same files, listed in another order";
    }

    static Dictionary<string, DataFile> ByName(IEnumerable<DataFile> files)
    {
        var byName = new Dictionary<string, DataFile>(StringComparer.Ordinal);
        foreach (var f in files) byName.TryAdd(f.Name, f);   // a file two sources read counts once
        return byName;
    }

    static string Bytes(long? size) => size switch
    {
        null => "(a URL)",
        < 0 => "missing",
        _ => string.Create(CultureInfo.InvariantCulture, $"{size:N0} bytes"),
    };

    static bool SameFolder(string a, string b) =>
        string.Equals(Path.TrimEndingDirectorySeparator(Path.GetFullPath(a)), Path.TrimEndingDirectorySeparator(Path.GetFullPath(b)), StringComparison.Ordinal);
}
