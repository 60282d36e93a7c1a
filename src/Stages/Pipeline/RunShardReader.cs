using Retention.Data;

namespace Retention.Pipeline;

/// <summary>The shard reader a run reads its data with (a data run, an OLMo run): HTTP shards that break are retried for
/// minutes before failing, so each retry is said under the run's id (or the run looks hung), as a warning on stderr (stdout
/// keeps the run's progress and results), and a stop ends the wait.</summary>
internal static class RunShardReader
{
    public static ShardReader For(GraphCell cell, IRunProgress progress, CancellationToken stop) =>
        new(notice: m => progress.Warning($"{cell.RunId}: {m}"), stop: stop);
}
