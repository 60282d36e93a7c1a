namespace Retention.Spec;

/// <summary>
/// A relative data or tokenizer path that misses against the folder paths resolve against (the pipeline file's, or
/// --data-dir) but names files from the current folder: the user wrote it from where they run the command. The error then
/// says so and gives the entry rewritten against the right folder, rather than a command that would write the data again
/// into another folder (`pipeline data brown --out ...`) for data that is already there.
/// </summary>
internal static class CurrentFolderHint
{
    /// <summary>"; from the current folder (/abs) it matches 10 shard files ("1 shard file" for one): write
    /// '../data/brown/*.json.gz' (the same, relative to /abs/olmo), or give --data-dir /abs, against which every relative path of
    /// the file then resolves";
    /// null where the entry is absolute, the two folders are one, or it matches nothing from here either.</summary>
    public static string? ForShards(string entry, string baseDirectory, Func<string, bool> accepts)
    {
        if (Rewritten(entry, baseDirectory) is not var (here, written)) return null;
        // A pattern wild from its first folder on (`**/*.json.gz`) would walk all the current folder holds (a home, or /)
        // for a hint on an error path: left to the error as it was.
        if (Data.Glob.HasWildcards(entry.Trim().Replace('\\', '/').Split('/')[0])) return null;
        int count;
        try { count = Data.ShardList.Expand([entry], here, accepts).Length; }
        catch (Data.DataException) { return null; }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }
        return count == 0 ? null : Say(here, $"it matches {Messages.Counted.Of(count, "shard file", "N0")}", written, baseDirectory);
    }

    /// <summary>The same for a tokenizer file: null unless the current folder holds it.</summary>
    public static string? ForFile(string file, string baseDirectory) =>
        Rewritten(file, baseDirectory) is var (here, written) && File.Exists(Path.GetFullPath(file.Trim(), here))
            ? Say(here, "it is there", written, baseDirectory) : null;

    static (string Here, string Written)? Rewritten(string entry, string baseDirectory)
    {
        var trimmed = entry.Trim();
        if (trimmed.Length == 0 || Path.IsPathRooted(trimmed)) return null;
        var here = Path.GetFullPath(Directory.GetCurrentDirectory());
        if (Path.GetFullPath(baseDirectory).TrimEnd('/').Equals(here.TrimEnd('/'), StringComparison.Ordinal)) return null;
        // A glob's wildcards are plain characters to these path functions, so the pattern is carried over as written.
        var written = Path.GetRelativePath(baseDirectory, Path.GetFullPath(trimmed, here)).Replace('\\', '/');
        return (here, written);
    }

    static string Say(string here, string found, string written, string baseDirectory) =>
        $"; from the current folder ({here}) {found}: write '{written}' (the same, relative to {Path.GetFullPath(baseDirectory)}), " +
        $"or give --data-dir {Pipeline.ShellWords.Quote(here)}, against which every relative path of the file then resolves";
}
