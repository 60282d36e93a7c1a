using Retention.Artifacts;

namespace Retention.Synthetic;

/// <summary>
/// The Arrow tables one synthetic run writes while it trains: metrics.arrow, train.arrow,
/// interference.arrow and injections.arrow. Each record type goes to its own table.
/// </summary>
public sealed class SyntheticRunWriters : IAsyncDisposable
{
    readonly TableSet tables = new();

    /// <summary>Declares the tables; <see cref="Open"/> opens them (a group checks every run's tables first, see <see cref="CellWriters"/>).</summary>
    /// <param name="resumeAt">Continue the tables an interrupted attempt wrote, keeping their rows up to this step (its checkpoint's).</param>
    public SyntheticRunWriters(string runDir, long? resumeAt = null)
    {
        tables.Add(Path.Combine(runDir, "metrics.arrow"), SyntheticTables.Metrics, resumeAt)
              .Add(Path.Combine(runDir, "train.arrow"), SyntheticTables.Train, resumeAt)
              .Add(Path.Combine(runDir, "interference.arrow"), SyntheticTables.Interference, resumeAt)
              .Add(Path.Combine(runDir, "injections.arrow"), SyntheticTables.Injections, resumeAt);
    }

    /// <summary>Throws what a resume of these tables would refuse, touching nothing.</summary>
    public void Check() => tables.Check();

    public void Open() => tables.Open();

    public void Write(RunRecord record) => tables.Write(record);

    /// <summary>Writes footers and makes the files visible; also what Ctrl+C and failures end with.
    /// Every table is completed before the first error is rethrown.</summary>
    public Task CompleteAsync() => tables.CompleteAsync();

    public ValueTask DisposeAsync() => tables.DisposeAsync();
}
