namespace Retention.Data.Corpus;

/// <summary>
/// A data command's output folder, replaced whole or not at all. The new set is written into a sibling folder
/// (<see cref="Folder"/>) and swapped in by <see cref="Commit"/>: the earlier folder is renamed aside, the new
/// one renamed into its place, the files that are not the command's own (a user's notes, another tool's
/// files) are moved back in, and the earlier set is deleted. A reader of the output, or a command killed at any
/// point, meets the earlier complete set, the new complete set, or (for the instant between two renames) no
/// folder, never a mix: a killed `data tokenize` cannot leave new part files beside old ones, nor a
/// pretokenized.json that vouches for files it did not write. What a kill leaves beside the folder is put
/// right by the next command that writes it (<see cref="InterruptedOutputs"/>).
/// </summary>
public sealed class StagedOutput : IDisposable
{
    /// <summary>Inside the earlier folder once it is aside: the names to move back into the new one (so a command
    /// killed while moving them, and the one that finishes its work, agree on what is whose).</summary>
    public const string CarryList = ".pipeline-carry";

    readonly Func<string, bool> owns;
    readonly Action<string>? log;
    readonly StagingNames names;
    bool swapping;

    StagedOutput(string target, Func<string, bool> owns, Action<string>? log, StagingNames names)
    {
        Target = target;
        this.owns = owns;
        this.log = log;
        this.names = names;
        Folder = names.Sibling(target, StagingNames.Partial);
    }

    /// <summary>The output folder (a symbolic link resolved: the swap happens beside the folder it names).</summary>
    public string Target { get; }

    /// <summary>Where the new set is written: empty at first, and swapped in whole by <see cref="Commit"/>.</summary>
    public string Folder { get; }

    /// <summary>Puts right what killed commands left beside <paramref name="outDir"/>, then opens an empty folder for the new set.</summary>
    /// <param name="owns">Which file names in the earlier folder are the command's own output, replaced by the new set;
    /// everything else in it is kept.</param>
    /// <param name="names">Who is writing (tests stand in for another, killed, process).</param>
    /// <exception cref="ArgumentException"><paramref name="outDir"/> is a file, a file system root, a mount point, or the
    /// current folder or one that holds it.</exception>
    public static StagedOutput Begin(string outDir, Func<string, bool> owns, Action<string>? log = null, StagingNames? names = null)
    {
        var target = Resolve(outDir);
        names ??= StagingNames.Current;
        InterruptedOutputs.Recover(target, names, log);
        var staged = new StagedOutput(target, owns, log, names);
        if (Directory.Exists(staged.Folder)) Directory.Delete(staged.Folder, recursive: true);   // this very process's, from a call that failed
        Directory.CreateDirectory(staged.Folder);
        return staged;
    }

    /// <summary>Where a file written into <see cref="Folder"/> lies once the set is in place.</summary>
    public string Final(string written) => Path.Combine(Target, Path.GetRelativePath(Folder, written));

    /// <summary>Swaps the new set in and removes the earlier one (said on the log when it had files the new set lacks).</summary>
    public void Commit() => Commit(step: null);

    /// <param name="step">Called after each step of the swap, with its name; a test throws from it to stop there as a kill would.</param>
    internal void Commit(Action<string>? step)
    {
        swapping = true;   // from here a failure leaves the folders for the next run to put right, as a kill does
        if (!Directory.Exists(Target))
        {
            Directory.Move(Folder, Target);
            step?.Invoke("in");
            return;
        }
        var aside = names.Sibling(Target, StagingNames.Replaced);
        Directory.Move(Target, aside);
        step?.Invoke("aside");
        var carried = Directory.EnumerateFileSystemEntries(aside).Select(Path.GetFileName).OfType<string>()
            .Where(n => !owns(n)).Order(StringComparer.Ordinal).ToList();
        Artifacts.AtomicFile.WriteText(Path.Combine(aside, CarryList), string.Join('\n', carried));
        step?.Invoke("listed");
        Directory.Move(Folder, Target);
        step?.Invoke("in");
        foreach (var name in carried)
        {
            MoveEntry(Path.Combine(aside, name), Path.Combine(Target, name));
            step?.Invoke($"carried {name}");
        }
        var written = Directory.EnumerateFileSystemEntries(Target).Select(Path.GetFileName).ToHashSet(StringComparer.Ordinal);
        var beyond = Directory.EnumerateFileSystemEntries(aside).Select(Path.GetFileName).OfType<string>()
            .Where(n => n != CarryList && !written.Contains(n) && !n.EndsWith(".tmp", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList();
        Directory.Delete(aside, recursive: true);
        if (beyond.Count > 0)
            log?.Invoke($"removed {Messages.Counted.Of(beyond.Count, "file")} of an earlier run from {Target} beyond this run's ({Listing(beyond)})");
    }

    /// <summary>Before <see cref="Commit"/> (an error, Ctrl+C): the unfinished set is deleted and the earlier folder was never touched.</summary>
    public void Dispose()
    {
        if (!swapping && Directory.Exists(Folder)) Directory.Delete(Folder, recursive: true);
    }

    /// <summary>Moves a file, folder or link by renaming it (the same file system: both lie beside each other).</summary>
    internal static void MoveEntry(string from, string to)
    {
        if (Directory.Exists(from) && new DirectoryInfo(from).LinkTarget is null) Directory.Move(from, to);
        else File.Move(from, to);
    }

    /// <summary>Whether anything is there, a dangling link included (<see cref="Path.Exists"/> follows links).</summary>
    internal static bool EntryExists(string path) => Path.Exists(path) || new FileInfo(path).LinkTarget is not null;

    internal static string Listing(IReadOnlyList<string> names) =>
        string.Join(", ", names.Take(3)) + (names.Count > 3 ? $", ... {names.Count - 3} more" : "");

    /// <summary>Refuses an <paramref name="outDir"/> that <see cref="Begin"/> would refuse, creating nothing: for a command
    /// that has slower work (a download) to do first.</summary>
    /// <exception cref="ArgumentException">As <see cref="Begin"/>.</exception>
    public static void Check(string outDir) => Checked(outDir);

    static string Resolve(string outDir)
    {
        var full = Checked(outDir);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        return full;
    }

    static string Checked(string outDir)
    {
        var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(outDir));
        if (File.Exists(full)) throw new ArgumentException($"--out {outDir} is a file: name a folder");
        if (Path.GetDirectoryName(full) is null) throw new ArgumentException($"--out {outDir} is a file system root: name a folder in it");
        full = LinkResolved(full);
        // A mounted volume cannot be renamed aside (EBUSY), and the staging folder beside it would lie on another file
        // system: refused now, not once every file is written.
        if (IsMountPoint(full)) throw new ArgumentException($"--out {outDir} is a mount point, which cannot be replaced by renaming: name a folder in it");
        // The swap renames the folder aside and deletes it: a shell standing in it (or below it) would be left in a deleted folder.
        var cwd = Directory.GetCurrentDirectory();
        if (PhysicalPath.Contains(full, cwd))
            throw new ArgumentException($"--out {outDir} {(PhysicalPath.Of(full) == PhysicalPath.Of(cwd) ? "is" : "holds")} the current folder ({cwd}), " +
                "which replacing the output renames aside and deletes: run the command from another folder, or name a folder inside the current one");
        return full;
    }

    /// <summary>The folder a symbolic link at <paramref name="full"/> finally names (itself when it is no link).</summary>
    internal static string LinkResolved(string full) =>
        new DirectoryInfo(full) is { LinkTarget: not null } folder && folder.ResolveLinkTarget(returnFinalTarget: true) is { } link
            ? Path.TrimEndingDirectorySeparator(link.FullName) : full;

    static bool IsMountPoint(string full)
    {
        try { return DriveInfo.GetDrives().Any(d => Path.TrimEndingDirectorySeparator(d.RootDirectory.FullName) == full); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return false; }   // the mount table unreadable: as before
    }
}
