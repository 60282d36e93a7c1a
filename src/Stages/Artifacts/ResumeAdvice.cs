namespace Retention.Artifacts;

/// <summary>What to do when a run's tables cannot be continued by a resume: train that one run again, not the sweep
/// (a run without --resume would set every run of the sweep aside and train them all).</summary>
public static class ResumeAdvice
{
    /// <summary>The advice for a table file of a run (<c>runs/X/t.arrow</c>, or a part in <c>runs/X/t.arrow.parts/</c>).</summary>
    public static string TrainAfresh(string tableFile) =>
        $"delete the run's directory ({RunDirectoryOf(Path.GetFullPath(tableFile))}) and run again with --resume to train that run afresh";

    /// <summary>The run directory holding a table file: its folder, or the folder above a table's sealed parts or the run's checkpoint.</summary>
    public static string RunDirectoryOf(string tableFile)
    {
        var folder = Path.GetDirectoryName(tableFile)!;
        // A table kept in the run's checkpoint (its stage times, its data-quality rows) belongs to the run above it.
        bool inCheckpoint = Path.GetFileName(folder) == Path.GetFileName(Retention.Training.CheckpointFolder.Of(folder))
            && File.Exists(Path.Combine(Path.GetDirectoryName(folder) ?? "", ArtifactLayout.RunManifest));
        return ArrowParts.TableOfPartsDirectory(folder) is null && !inCheckpoint ? folder : Path.GetDirectoryName(folder)!;
    }
}
