namespace Retention.Artifacts;

/// <summary>
/// The Arrow tables one run writes while it trains, each fed by its own row type: a row goes to the
/// table of its type. Seal and completion apply to every table (see <see cref="ArrowTableWriter"/>).
/// One producer.
/// </summary>
public sealed class TableSet : IAsyncDisposable
{
    interface ITable : IAsyncDisposable
    {
        bool TryWrite(object row);
        void Seal(long step);
        Task CompleteAsync();
    }

    sealed class Table<T>(ArrowRowWriter<T> writer) : ITable
    {
        public bool TryWrite(object row)
        {
            if (row is not T typed) return false;
            writer.Append(typed);
            return true;
        }
        public void Seal(long step) => writer.Seal(step);
        public Task CompleteAsync() => writer.CompleteAsync();
        public ValueTask DisposeAsync() => writer.DisposeAsync();
    }

    readonly List<ITable> tables = [];

    /// <summary>Adds a table at <paramref name="path"/>: fresh, or resumed keeping the rows up to <paramref name="resumeAt"/>.
    /// When it cannot be opened (a resume refusing a table of other columns), the tables added before are completed
    /// before the error is rethrown: in a chain of Adds nothing else holds the set to complete them, and a resumed table
    /// left open would stay in parts. Completing twice does nothing.</summary>
    public TableSet Add<T>(string path, RecordBatchBuilder<T> schema, long? resumeAt = null)
    {
        try
        {
            tables.Add(new Table<T>(resumeAt is { } step ? ArrowRowWriter<T>.Resume(path, schema, step) : ArrowRowWriter<T>.Create(path, schema)));
        }
        catch
        {
            DisposeAsync().AsTask().GetAwaiter().GetResult();   // synchronous, like the writers' own resume
            throw;
        }
        return this;
    }

    /// <summary>Appends <paramref name="row"/> to the table of its type.</summary>
    public void Write(object row)
    {
        if (!tables.Any(t => t.TryWrite(row)))
            throw new ArgumentException($"no table for {row.GetType().Name}");
    }

    /// <summary>Makes every row written so far durable (sealed parts), labelled <paramref name="step"/>.</summary>
    public void Seal(long step)
    {
        foreach (var t in tables) t.Seal(step);
    }

    /// <summary>Writes footers and makes the files visible; every table is completed before the first error is rethrown.</summary>
    public Task CompleteAsync() => CompleteAll.RunAsync(tables.Select(t => (Func<Task>)t.CompleteAsync));

    public async ValueTask DisposeAsync()
    {
        foreach (var t in tables) await t.DisposeAsync();
    }
}
