using System.Collections.Immutable;

namespace Retention.Data;

/// <summary>
/// Turns a source's <c>paths</c> into its shards, and orders them for an epoch. Pure apart from
/// listing folders and reading URL-list files.
/// </summary>
public static class ShardList
{
    /// <summary>
    /// Expands each entry (file, glob, folder, URL, or a .txt/.urls file listing entries) and
    /// returns the distinct shards sorted by location (ordinal), so the result does not depend on
    /// the listing order or on the file system's enumeration order.
    /// </summary>
    /// <remarks>Each shard's <see cref="Shard.IdName"/> is its path as the entries spell it: reached through relative
    /// entries only (a relative path, glob or folder, or a relative line of a list file named relatively), its path
    /// relative to <paramref name="baseDirectory"/> with '/' separators, e.g. <c>../data/a.jsonl</c>; through an absolute
    /// entry (or a list file named absolutely), its absolute path; a URL as written. So a project moved or reached from
    /// another checkout names its shards, and the documents without ids in them, as before. Names stay unique: a relative
    /// list line is named from the base directory, not from its list's folder, where two lists could name the same
    /// file name. A shard reached both ways keeps the relative name.</remarks>
    /// <param name="entries">The source's <c>paths</c>.</param>
    /// <param name="baseDirectory">What relative entries are relative to.</param>
    /// <param name="accepts">Which file names are shards, for globs and folders (others are
    /// ignored there); a file named explicitly that it rejects is an error, so a typo in an
    /// extension is not silently read as something else. Default: Dolma names.</param>
    /// <param name="formatAdvice">What to tell a user whose glob or folder holds only files of another kind (default
    /// <see cref="SourceFormatAdvice"/>, in a pipeline's terms; the data commands say it in theirs).</param>
    /// <exception cref="DataException">An entry matches nothing, or names a non-shard.</exception>
    public static ImmutableArray<Shard> Expand(
        IEnumerable<string> entries, string baseDirectory, Func<string, bool>? accepts = null, string? formatAdvice = null)
    {
        var context = new Context(accepts ?? Shard.IsDolmaName, formatAdvice ?? SourceFormatAdvice);
        var found = new SortedDictionary<string, string>(StringComparer.Ordinal);   // location → id name
        foreach (var entry in entries) ExpandEntry(entry.Trim(), baseDirectory, baseDirectory, context, found, listDepth: 0);
        return [.. found.Select(f => new Shard(f.Key, f.Value))];
    }

    /// <summary>A pipeline's advice for files of another kind: its source's <c>format</c> key names the kind it reads.</summary>
    public const string SourceFormatAdvice = "format: dolma reads Dolma JSON lines (.json.gz, .jsonl, .json.zst, ...), " +
        "format: pretokenized reads token files (.npy, .bin, .memmap): check the source's format";

    private sealed record Context(Func<string, bool> Accepts, string FormatAdvice);

    /// <summary>
    /// The shard order of <paramref name="epoch"/>: <paramref name="sorted"/> as is, or shuffled
    /// by a Fisher-Yates permutation from a stream keyed by (seed, epoch), so every epoch has its
    /// own order and any epoch's order can be recomputed on resume.
    /// </summary>
    public static ImmutableArray<Shard> Order(ImmutableArray<Shard> sorted, long seed, int epoch, bool shuffle)
    {
        if (!shuffle || sorted.Length < 2) return sorted;
        var stream = new SeededStream(SeededStream.Derive(seed, "shards", epoch));
        var perm = SeededStream.Permutation(sorted.Length, ref stream);
        return [.. perm.Select(i => sorted[i])];
    }

    /// <summary>Why files that are there were not taken: most often they are of the other kind.</summary>
    private static string OtherKinds(IReadOnlyList<string> files, Context context) => files.Count == 0 ? "" :
        $"; it has {Messages.Counted.Of(files.Count, "file")} of another kind, e.g. '{Path.GetFileName(files[0])}': {context.FormatAdvice}";

    /// <summary>A folder of folders: only its own files are read, so say how to reach the ones below.</summary>
    private static string Subfolders(string folder, string entry) => Directory.EnumerateDirectories(folder).Order(StringComparer.Ordinal).FirstOrDefault() is { } first
        ? $"; it has subfolders (e.g. '{Path.GetFileName(first)}'), whose files a folder does not include: name a subfolder, or a glob that reaches into them such as '{entry.TrimEnd('/', '\\')}/**/*'"
        : "";

    /// <param name="namedFrom">The base directory while every entry on the way was relative; null once one was absolute.</param>
    private static void ExpandEntry(string entry, string baseDirectory, string? namedFrom, Context context,
        SortedDictionary<string, string> found, int listDepth)
    {
        if (entry.Length == 0) return;
        if (Shard.IsUrl(entry))
        {
            // A list on a server (Dolma's urls/v1_7.txt) would be read as one shard, every line of it invalid JSON, and the
            // run fail with "no document" naming a '#' at line 1: lists are read from local files.
            if (RemoteListProblem(entry) is { } remote) throw new DataException(remote);
            found[entry] = entry;
            return;
        }
        if (Path.IsPathRooted(entry)) namedFrom = null;
        void Add(string location)
        {
            // A listed link whose target is gone (a purged scratch copy) is refused here, as a missing file named alone is:
            // the run met it only when the shard order reached it, maybe hours in, and validate said ok.
            if (IsBrokenLink(location)) throw new DataException(BrokenLink(location));
            var name = namedFrom is null ? location : Path.GetRelativePath(namedFrom, location).Replace('\\', '/');
            if (!found.TryGetValue(location, out var had) || Path.IsPathRooted(had)) found[location] = name;
        }
        var path = Path.GetFullPath(entry, baseDirectory);
        // A file or folder that is there is itself, though its name holds a glob character ('tok[1]').
        if (Glob.HasWildcards(entry) && !Path.Exists(path))
        {
            var all = Glob.Expand(entry, baseDirectory).ToList();
            var matches = all.Where(f => context.Accepts(Path.GetFileName(f))).ToList();
            if (matches.Count == 0)
                throw new DataException($"'{entry}' matches no shard file{(Path.IsPathRooted(entry) ? "" : $" (relative to {baseDirectory})")}" + OtherKinds(all, context));
            matches.ForEach(Add);
            return;
        }
        if (Directory.Exists(path))
        {
            var all = Directory.EnumerateFiles(path).ToList();
            var files = all.Where(f => context.Accepts(Path.GetFileName(f))).ToList();
            if (files.Count == 0) throw new DataException($"folder '{path}' holds no shard file" + (all.Count > 0 ? OtherKinds(all, context) : Subfolders(path, entry)));
            foreach (var file in files) Add(Path.GetFullPath(file));
            return;
        }
        if (!File.Exists(path)) throw new DataException($"no such shard or list file: '{path}'");
        if (IsBrokenLink(path)) throw new DataException(BrokenLink(path));
        if (IsListFile(path))
        {
            // One level of lists only: a list naming itself (or a cycle) should fail loudly.
            if (listDepth > 0) throw new DataException($"'{path}': a URL list may not name another list");
            var listDir = Path.GetDirectoryName(path)!;
            int number = 0, entries = 0;
            foreach (var line in File.ReadLines(path))
            {
                number++;
                var item = ListEntry(line);
                if (item.Length == 0) continue;
                entries++;
                // The list's line, so a user with thousands of entries finds the one to fix.
                try { ExpandEntry(item, listDir, namedFrom, context, found, listDepth + 1); }
                catch (DataException e) { throw new DataException($"{path}:{number}: " + (LooksLikeText(item) ? TextNotList(item) : e.Message)); }
            }
            // An empty list (a download that failed into an empty file) would be a source without shards.
            if (entries == 0) throw new DataException($"'{path}' lists no shard: it has {(number == 0 ? "no line" : "only blank lines and # comments")}");
            return;
        }
        if (!context.Accepts(Path.GetFileName(path)))
            // The format's own advice: a fixed list of Dolma names read as nonsense of a .jsonl named to a pretokenized source.
            throw new DataException($"'{path}' is not a shard of this format: {context.FormatAdvice}");
        Add(path);
    }

    /// <summary>A symbolic link whose final target does not exist (or a cycle of links). <see cref="File.Exists"/> says true of
    /// it on Linux, where it looks at the link itself when its target is gone.</summary>
    private static bool IsBrokenLink(string file)
    {
        var info = new FileInfo(file);
        if (info.LinkTarget is null) return false;
        try { return info.ResolveLinkTarget(returnFinalTarget: true) is not { Exists: true }; }
        catch (IOException) { return true; }   // too many levels of links
    }

    private static string BrokenLink(string file) =>
        $"'{file}' is a symbolic link to '{new FileInfo(file).LinkTarget}', which does not exist: restore the file it points to, or remove the link";

    /// <summary>A list line's entry: without a whole-line comment (`# ...`) or a trailing one (`url  # note`: a '#' after
    /// whitespace); a '#' with none before it, as a URL's fragment, is part of the entry. Empty for a blank or comment line.</summary>
    private static string ListEntry(string line)
    {
        var item = line.Trim();
        if (item.StartsWith('#')) return "";
        for (int i = 1; i < item.Length; i++)
            if (item[i] == '#' && char.IsWhiteSpace(item[i - 1])) return item[..i].TrimEnd();
        return item;
    }

    /// <summary>A line of prose, not a path: several words. A .txt file of the corpus itself is the usual cause.</summary>
    private static bool LooksLikeText(string line) => line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length >= 4;

    private static string TextNotList(string line) =>
        $"'{(line.Length > 60 ? line[..60] + "…" : line)}' is not a path, glob or URL: a .txt or .urls file in paths is read as a list " +
        "of shards, one per line; text to train on goes in JSON lines, one document per line ({\"text\": \"...\"}, a .jsonl file)";

    /// <summary>Where <paramref name="url"/> names a list of shards (.txt, .urls) rather than a shard, why it cannot be
    /// read: lists are read from local files. Null for any other URL. No network: the URL's path alone says it.</summary>
    public static string? RemoteListProblem(string url) =>
        !Uri.TryCreate(url, UriKind.Absolute, out var uri) || !IsListFile(uri.AbsolutePath) ? null :
        $"'{url}' is a list of shards on a server: a .txt or .urls list is read from a local file, whose shards are then " +
        $"streamed; download it (curl -L '{url}' -o {Path.GetFileName(uri.AbsolutePath)}) and name the downloaded file instead";

    private static bool IsListFile(string path) =>
        path.EndsWith(".txt", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".urls", StringComparison.OrdinalIgnoreCase);
}
