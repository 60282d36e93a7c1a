using Retention.Artifacts;

namespace Retention.Synthetic;

/// <summary>
/// The Arrow tables one synthetic run writes while it trains: metrics.arrow, train.arrow,
/// interference.arrow and injections.arrow. Each record type goes to its own table.
/// </summary>
public sealed class SyntheticRunWriters : IAsyncDisposable
{
    interface ITable : IAsyncDisposable
    {
        bool TryWrite(RunRecord record);
        Task CompleteAsync();
    }

    sealed class Table<T>(ArrowRowWriter<T> writer) : ITable where T : RunRecord
    {
        public bool TryWrite(RunRecord record)
        {
            if (record is not T row) return false;
            writer.Append(row);
            return true;
        }
        public Task CompleteAsync() => writer.CompleteAsync();
        public ValueTask DisposeAsync() => writer.DisposeAsync();
    }

    readonly List<ITable> tables = [];

    public SyntheticRunWriters(string runDir)
    {
        Add(runDir, "metrics.arrow", SyntheticTables.Metrics);
        Add(runDir, "train.arrow", SyntheticTables.Train);
        Add(runDir, "interference.arrow", SyntheticTables.Interference);
        Add(runDir, "injections.arrow", SyntheticTables.Injections);
    }

    void Add<T>(string runDir, string file, RecordBatchBuilder<T> schema) where T : RunRecord =>
        tables.Add(new Table<T>(ArrowRowWriter<T>.Create(Path.Combine(runDir, file), schema)));

    public void Write(RunRecord record)
    {
        if (!tables.Any(t => t.TryWrite(record)))
            throw new ArgumentException($"no table for {record.GetType().Name}");
    }

    /// <summary>Writes footers and makes the files visible; also what Ctrl+C and failures end with.
    /// Every table is completed before the first error is rethrown.</summary>
    public Task CompleteAsync() => CompleteAll.RunAsync(tables.Select(t => (Func<Task>)t.CompleteAsync));

    public async ValueTask DisposeAsync()
    {
        foreach (var t in tables) await t.DisposeAsync();
    }
}
