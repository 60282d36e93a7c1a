namespace Retention.Training;

/// <summary>
/// Moves checkpoint folders into place so that a kill at any instant leaves one complete
/// checkpoint. A run's checkpoint is first written beside its place as
/// <c>checkpoint.pending-&lt;step&gt;</c> (on the trainer thread) and promoted only after the
/// run's tables are sealed up to that step (on the writer), so a checkpoint never gets ahead of
/// the rows a resume must keep.
/// </summary>
public static class CheckpointFolder
{
    /// <summary>A run's checkpoint folder (OLMo runs, and the first run of a synthetic group).</summary>
    public static string Of(string runDir) => Path.Combine(runDir, "checkpoint");

    /// <summary>Where the checkpoint of <paramref name="step"/> waits for its tables to be sealed.</summary>
    public static string Pending(string dir, long step) => $"{Trimmed(dir)}.pending-{step}";

    /// <summary>Puts the complete folder <paramref name="source"/> at <paramref name="dir"/>, replacing
    /// the one there: the old one is moved to <c>dir.old</c> first and deleted last.</summary>
    public static void Replace(string source, string dir)
    {
        dir = Trimmed(dir);
        Artifacts.DiskFlush.Folder(source);   // on the disk before the old one goes
        var old = dir + ".old";
        if (Directory.Exists(old)) Directory.Delete(old, recursive: true);
        if (Directory.Exists(dir)) Directory.Move(dir, old);
        Directory.Move(source, dir);
        if (Directory.Exists(old)) Directory.Delete(old, recursive: true);
    }

    /// <summary>Where the checkpoint of <paramref name="dir"/> is as <see cref="Recover"/> would leave it, without moving
    /// anything (for readers that must not change the folder: status, grouping a resume): <c>dir</c>, or <c>dir.old</c>
    /// when a replacement was cut between its two renames.</summary>
    public static string Current(string dir)
    {
        dir = Trimmed(dir);
        return !Directory.Exists(dir) && Directory.Exists(dir + ".old") ? dir + ".old" : dir;
    }

    /// <summary>Tidies what a kill left: restores <c>dir</c> from <c>dir.old</c> when a replacement was
    /// cut between its two renames, and removes half-written and never-promoted folders.</summary>
    public static void Recover(string dir)
    {
        dir = Trimmed(dir);
        var old = dir + ".old";
        if (!Directory.Exists(dir) && Directory.Exists(old)) Directory.Move(old, dir);
        var parent = Path.GetDirectoryName(dir)!;
        if (!Directory.Exists(parent)) return;
        var prefix = Path.GetFileName(dir) + ".";   // not a search pattern: Win32 matching makes "x.*" match "x"
        foreach (var stale in Directory.EnumerateDirectories(parent).Where(d => Path.GetFileName(d).StartsWith(prefix, StringComparison.Ordinal)))
            Directory.Delete(stale, recursive: true);
    }

    static string Trimmed(string dir) => Path.GetFullPath(dir.TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar));
}
