using Retention.Artifacts;

namespace Retention.Synthetic;

/// <summary>The Arrow tables one synthetic run writes while it trains (metrics.arrow, train.arrow).</summary>
public sealed class SyntheticRunWriters : IAsyncDisposable
{
    readonly ArrowRowWriter<MetricRow> metrics;
    readonly ArrowRowWriter<TrainRow> train;

    public SyntheticRunWriters(string runDir)
    {
        metrics = ArrowRowWriter<MetricRow>.Create(Path.Combine(runDir, "metrics.arrow"), SyntheticTables.Metrics);
        train = ArrowRowWriter<TrainRow>.Create(Path.Combine(runDir, "train.arrow"), SyntheticTables.Train);
    }

    public void Write(RunRecord record)
    {
        switch (record)
        {
            case MetricRow m: metrics.Append(m); break;
            case TrainRow t: train.Append(t); break;
            default: throw new ArgumentException($"no table for {record.GetType().Name}");
        }
    }

    /// <summary>Writes footers and makes both files visible; also what Ctrl+C and failures end with.</summary>
    public async Task CompleteAsync()
    {
        await metrics.CompleteAsync();
        await train.CompleteAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await metrics.DisposeAsync();
        await train.DisposeAsync();
    }
}
