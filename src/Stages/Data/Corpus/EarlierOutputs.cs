namespace Retention.Data.Corpus;

/// <summary>A data command may not write into a folder it reads: the new set replaces the earlier one whole
/// (<see cref="StagedOutput"/>), sources included.</summary>
public static class EarlierOutputs
{
    /// <exception cref="ArgumentException">A local source file lies in <paramref name="outDir"/>: writing there
    /// would replace or remove what is being read.</exception>
    public static void RefuseSourcesIn(string outDir, IReadOnlyList<string> sources, string baseDirectory, Func<string, bool> accepts)
    {
        // Through links, as the output is replaced where its link points (StagedOutput) and a source is read where its folder's does.
        var folder = StagedOutput.LinkResolved(Path.TrimEndingDirectorySeparator(Path.GetFullPath(outDir, baseDirectory)));
        var inside = ShardList.Expand(sources, baseDirectory, accepts)
            .Where(s => !Shard.IsUrl(s.Location))
            .FirstOrDefault(s => string.Equals(StagedOutput.LinkResolved(Path.GetDirectoryName(Path.GetFullPath(s.Location))!), folder, StringComparison.Ordinal));
        if (inside is not null)
            throw new ArgumentException($"--out {outDir} holds a source being read ({Path.GetFileName(inside.Location)}): write to another folder");
    }
}
