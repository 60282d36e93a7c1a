namespace Retention.Artifacts;

/// <summary>What to do when a run's tables cannot be continued by a resume: train that one run again, not the sweep
/// (a run without --resume would set every run of the sweep aside and train them all).</summary>
public static class ResumeAdvice
{
    /// <summary>The advice for a table file of a run (<c>runs/X/t.arrow</c>, or a part in <c>runs/X/t.arrow.parts/</c>).</summary>
    public static string TrainAfresh(string tableFile)
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(tableFile))!;
        if (ArrowParts.TableOfPartsDirectory(dir) is not null) dir = Path.GetDirectoryName(dir)!;
        return $"delete the run's directory ({dir}) and run again with --resume to train that run afresh";
    }
}
