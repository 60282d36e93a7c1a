using Retention.Data;

namespace Retention.Pipeline;

/// <summary>The shard reader a run reads its data with (a data run, an OLMo run): HTTP shards that break are retried for
/// minutes before failing, so each retry is said under the run's id (or the run looks hung), and a stop ends the wait.</summary>
internal static class RunShardReader
{
    public static ShardReader For(GraphCell cell, IRunProgress progress, CancellationToken stop) =>
        new(notice: m => progress.Info($"{cell.RunId}: {m}"), stop: stop);
}
