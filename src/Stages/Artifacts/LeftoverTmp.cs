namespace Retention.Artifacts;

/// <summary>
/// The .tmp files a killed writer left: a file is written under <c>&lt;file&gt;.tmp</c> and renamed when whole
/// (<see cref="AtomicFile"/>, <see cref="ArrowTableWriter"/>), and SIGKILL runs no code to remove the .tmp. A .tmp is no
/// output, so the next writer into the folder removes it as it starts (one for a file it no longer writes would
/// otherwise stay for ever, and a folder holding only such leftovers is no earlier output to refuse). One rule for every
/// writer: `analyze` in analysis/, `probe` in its scan folder or --output, `advise` in its folder.
/// </summary>
public static class LeftoverTmp
{
    public const string Suffix = ".tmp";

    /// <summary>Whether <paramref name="name"/> (a file name) is the .tmp of one of <paramref name="files"/>.</summary>
    public static bool IsOf(string name, IEnumerable<string> files) =>
        name.EndsWith(Suffix, StringComparison.Ordinal) && files.Contains(name[..^Suffix.Length], StringComparer.Ordinal);

    /// <summary>Removes the .tmp in <paramref name="folder"/> of each of <paramref name="files"/> (file names), or every .tmp
    /// there when null (a folder the caller alone writes): a folder others write into keeps theirs. The caller must be the
    /// folder's only writer now (it holds its lock, or the folder is its own), else it would remove a file being written.
    /// Returns the names removed; one it cannot remove (no permission) stays, harming nothing but its space.</summary>
    public static IReadOnlyList<string> Remove(string folder, IEnumerable<string>? files = null)
    {
        var removed = new List<string>();
        if (!Directory.Exists(folder)) return removed;
        var own = files?.ToList();
        foreach (var tmp in Directory.EnumerateFiles(folder, "*" + Suffix).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal).ToList())
        {
            if (own is not null && !IsOf(tmp, own)) continue;
            try { File.Delete(Path.Combine(folder, tmp)); removed.Add(tmp); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        }
        return removed;
    }
}
