using System.Text.RegularExpressions;

namespace Retention.Data.Corpus;

/// <summary>
/// A data command writing into a folder it wrote before replaces its files by name; files of the earlier
/// run beyond the new ones (more shards then, another dtype's token files) would still match the globs
/// that read the folder. Removed once the new set is complete: only names the command itself writes
/// (<c>&lt;prefix&gt;NNNN&lt;suffix&gt;</c>, digits only), never a folder the command reads from.
/// </summary>
public static class EarlierOutputs
{
    /// <summary>Deletes the files in <paramref name="dir"/> named <paramref name="prefix"/>, at least
    /// <paramref name="digits"/> digits, <paramref name="suffix"/>, that are not in <paramref name="written"/>;
    /// says how many on <paramref name="log"/>.</summary>
    public static int Remove(string dir, string prefix, int digits, string suffix, IEnumerable<string> written, Action<string>? log = null)
    {
        var name = new Regex($"^{Regex.Escape(prefix)}[0-9]{{{digits},}}{Regex.Escape(suffix)}$");
        var keep = written.Select(Path.GetFullPath).ToHashSet(StringComparer.Ordinal);
        var stale = Directory.EnumerateFiles(dir)
            .Where(f => name.IsMatch(Path.GetFileName(f)) && !keep.Contains(Path.GetFullPath(f)))
            .ToList();
        foreach (var file in stale) File.Delete(file);
        if (stale.Count > 0) log?.Invoke($"removed {stale.Count} file(s) of an earlier run from {dir} ({prefix}{new string('N', digits)}{suffix} beyond this run's)");
        return stale.Count;
    }

    /// <exception cref="ArgumentException">A local source file lies in <paramref name="outDir"/>: writing there
    /// would replace or remove what is being read.</exception>
    public static void RefuseSourcesIn(string outDir, IReadOnlyList<string> sources, string baseDirectory, Func<string, bool> accepts)
    {
        var folder = Path.TrimEndingDirectorySeparator(Path.GetFullPath(outDir, baseDirectory));
        var inside = ShardList.Expand(sources, baseDirectory, accepts)
            .Where(s => !Shard.IsUrl(s.Location))
            .FirstOrDefault(s => string.Equals(Path.GetDirectoryName(Path.GetFullPath(s.Location)), folder, StringComparison.Ordinal));
        if (inside is not null)
            throw new ArgumentException($"--out {outDir} holds a source being read ({Path.GetFileName(inside.Location)}): write to another folder");
    }
}
