namespace Retention.Data;

/// <summary>
/// data_quality.arrow names a shard as the source's paths spell it (<see cref="Shard.IdName"/>), as document ids do;
/// earlier versions named it by its absolute location, so a checkpoint they wrote holds issues under those names. A
/// resume renames them to this version's before it replays them (<see cref="DataQualityLog.Resuming"/>): the issues met
/// again in the re-read block then match (recorded once, not twice) and the table reads one way from top to bottom.
/// </summary>
public static class EarlierIssueNames
{
    /// <param name="earlier">The issues the checkpoint holds.</param>
    /// <param name="spec">The run's data: its sources' paths and, for a run that keeps absolute ids, the folder they resolve against.</param>
    /// <param name="baseDirectory">What the sources' relative paths resolve against now.</param>
    /// <param name="folders">Where they resolved before (the earlier attempt's data directory, the folder a run with absolute ids
    /// first read from): an earlier absolute name is a relative name resolved against one of them, or against
    /// <paramref name="baseDirectory"/> when the project has not moved.</param>
    public static IReadOnlyList<DataQualityIssue> Renamed(IReadOnlyList<DataQualityIssue> earlier, DataStreamSpec spec, string baseDirectory,
        IEnumerable<string?> folders)
    {
        if (earlier.Count == 0) return earlier;
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        var places = folders.OfType<string>().Prepend(Path.GetFullPath(baseDirectory)).ToList();
        foreach (var source in spec.Sources)
            foreach (var shard in ShardList.Expand(source.Paths, baseDirectory, source.Format == "pretokenized" ? PretokenizedSource.IsTokenFileName : null))
            {
                if (shard.IsHttp || Path.IsPathRooted(shard.IdName)) continue;   // a URL or an absolute path: named so before too
                var name = spec.AbsoluteIdsFrom is { } from ? shard.WithAbsoluteIdName(from).IdName : shard.IdName;
                foreach (var place in places) names.TryAdd(Path.GetFullPath(shard.IdName, place), name);
            }
        return [.. earlier.Select(i => names.TryGetValue(i.Shard, out var name) ? i with { Shard = name } : i)];
    }
}
