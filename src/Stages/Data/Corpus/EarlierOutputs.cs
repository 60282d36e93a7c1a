namespace Retention.Data.Corpus;

/// <summary>
/// A data command writing into a folder it wrote before replaces its files by name; files of the earlier
/// run beyond the new ones (more shards then, another dtype's token files) would still match the globs
/// that read the folder. Removed once the new set is complete.
/// </summary>
public static class EarlierOutputs
{
    /// <summary>Deletes the files in <paramref name="dir"/> named <paramref name="prefix"/>…<paramref name="suffix"/>
    /// that are not in <paramref name="written"/>; says how many on <paramref name="log"/>.</summary>
    public static int Remove(string dir, string prefix, string suffix, IEnumerable<string> written, Action<string>? log = null)
    {
        var keep = written.Select(Path.GetFullPath).ToHashSet(StringComparer.Ordinal);
        var stale = Directory.EnumerateFiles(dir, prefix + "*" + suffix)
            .Where(f => Path.GetFileName(f).StartsWith(prefix, StringComparison.Ordinal) && f.EndsWith(suffix, StringComparison.Ordinal)
                        && !keep.Contains(Path.GetFullPath(f)))
            .ToList();
        foreach (var file in stale) File.Delete(file);
        if (stale.Count > 0) log?.Invoke($"removed {stale.Count} file(s) of an earlier run from {dir} ({prefix}*{suffix} beyond this run's)");
        return stale.Count;
    }
}
