using Retention.Artifacts;

namespace Retention.Pipeline;

/// <summary>
/// How `run --overwrite` deletes a sweep's earlier runs/ and analysis/: renamed first into .discarded/ (one rename each,
/// atomic), then deleted. A kill while deleting (a large sweep takes a while) leaves the sweep without them, never with a
/// run holding half its files, which `status` and `--resume` would read as a damaged run; what such a kill left behind is
/// removed when the sweep is next run.
/// </summary>
public static class DiscardedResults
{
    public const string Folder = ".discarded";

    public static void Discard(string sweepDir)
    {
        RemoveLeftovers(sweepDir);   // an earlier killed discard's, so each result folder's name is free there
        var folder = Directory.CreateDirectory(Path.Combine(sweepDir, Folder)).FullName;
        foreach (var entry in ArtifactLayout.ResultFolders.Select(d => Path.Combine(sweepDir, d)).Where(Directory.Exists))
            Directory.Move(entry, Path.Combine(folder, Path.GetFileName(entry)));
        RemoveLeftovers(sweepDir);
    }

    /// <summary>Deletes what a discard left (a kill while deleting, or one before the deletion began).</summary>
    public static void RemoveLeftovers(string sweepDir)
    {
        var folder = Path.Combine(sweepDir, Folder);
        if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
    }
}
