namespace Retention.Artifacts;

/// <summary>The output folder a command made for itself, removed when it failed or stopped before writing anything there
/// (a probe's scan folder, an advice's new --output, a refused submission's sweep): an empty folder would read as an output
/// that holds nothing.</summary>
public static class EmptyFolder
{
    public static void RemoveIfEmpty(string? folder)
    {
        try
        {
            if (folder is not null && Directory.Exists(folder) && !Directory.EnumerateFileSystemEntries(folder).Any()) Directory.Delete(folder);
        }
        catch (IOException) { }   // something arrived in it meanwhile: it stays
    }

    /// <summary>The topmost folder of <paramref name="dir"/>'s path that does not exist (the first one creating it makes),
    /// or null when it exists: what <see cref="RemoveIfEmpty(string?, string?)"/> may remove up to.</summary>
    public static string? FirstMissing(string dir)
    {
        string? missing = null;
        for (var d = Path.TrimEndingDirectorySeparator(Path.GetFullPath(dir)); d is not null && !Directory.Exists(d); d = Path.GetDirectoryName(d))
            missing = d;
        return missing;
    }

    /// <summary>Removes <paramref name="folder"/> and the folders above it up to <paramref name="top"/> (its <see cref="FirstMissing"/>
    /// before the command made it), each only while empty: `--output a/b/c` made a, b and c, and a folder that existed
    /// before, or that another process wrote to meanwhile, stays (and so do those above it). A null <paramref name="top"/>
    /// removes only <paramref name="folder"/>.</summary>
    public static void RemoveIfEmpty(string? folder, string? top)
    {
        if (folder is null) return;
        var last = Path.TrimEndingDirectorySeparator(Path.GetFullPath(top ?? folder));
        for (var d = Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder)); d is not null && IsWithin(d, last); d = Path.GetDirectoryName(d))
        {
            RemoveIfEmpty(d);
            if (Directory.Exists(d) || d == last) return;
        }
    }

    static bool IsWithin(string dir, string top) => dir == top
        || dir.StartsWith(top.EndsWith(Path.DirectorySeparatorChar) ? top : top + Path.DirectorySeparatorChar, StringComparison.Ordinal);
}
