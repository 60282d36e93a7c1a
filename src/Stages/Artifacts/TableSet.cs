namespace Retention.Artifacts;

/// <summary>
/// The Arrow tables one run writes while it trains, each fed by its own row type: a row goes to the
/// table of its type. Seal and completion apply to every table (see <see cref="ArrowTableWriter"/>).
/// Tables are declared with <see cref="Add"/> and opened together by <see cref="Open"/>, which checks every
/// resumed table before it cuts any: a resume refused by a later table must not have cut an earlier one
/// (its rows beyond the checkpoint would be lost with no run to write them again). One producer.
/// </summary>
/// <param name="sealedParts">For a resume: the last part each table (by file name) sealed with the checkpoint, from its
/// manifest (null for checkpoints written before it had one). A table's parts must reach it.</param>
public sealed class TableSet(IReadOnlyDictionary<string, int>? sealedParts = null) : IAsyncDisposable
{
    interface ITable : IAsyncDisposable
    {
        bool TryWrite(object row);
        string Path { get; }
        int LastSealedPart { get; }
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
        public string Path => writer.Path;
        public int LastSealedPart => writer.LastSealedPart;
        public void Seal(long step) => writer.Seal(step);
        public Task CompleteAsync() => writer.CompleteAsync();
        public ValueTask DisposeAsync() => writer.DisposeAsync();
    }

    /// <summary>A table declared but not opened: what <see cref="Check"/> reads, and how to open it.</summary>
    sealed record Declared(string Path, long? ResumeAt, Action Check, Func<ITable> Open);

    readonly List<Declared> declared = [];
    readonly List<ITable> tables = [];
    bool opened;

    /// <summary>Declares a table at <paramref name="path"/>: fresh, or resumed keeping the rows up to <paramref name="resumeAt"/>.
    /// Nothing is touched until <see cref="Open"/>.</summary>
    public TableSet Add<T>(string path, RecordBatchBuilder<T> schema, long? resumeAt = null)
    {
        if (opened) throw new InvalidOperationException("tables are added before the set is opened");
        declared.Add(new Declared(path, resumeAt,
            () => { if (resumeAt is { } step) RequireResumable(path, schema, step, LastSealedPart(path)); },
            () => new Table<T>(resumeAt is { } step ? ArrowRowWriter<T>.Resume(path, schema, step) : ArrowRowWriter<T>.Create(path, schema))));
        return this;
    }

    /// <summary>Refuses a resume past rows the table no longer has: every table a run declares exists from its attempt's start
    /// (a .tmp, then sealed parts, or the complete file), so one gone at a checkpoint after step 0 was deleted, and continuing
    /// would finish the run with its rows up to the checkpoint missing and say it completed.</summary>
    static void RequireResumable<T>(string path, RecordBatchBuilder<T> schema, long step, int? lastSealedPart)
    {
        if (step > 0 && !ArrowParts.Written(path))
            throw new ArtifactException(path, $"is missing, though the checkpoint this run resumes from is at step {step}: the rows it held " +
                $"up to there would be lost (a table an older version did not write is missing too); restore it, or {ResumeAdvice.TrainAfresh(path)}");
        ArrowTableWriter.RequireResumable(path, schema.Schema, step, lastSealedPart);
    }

    int? LastSealedPart(string path) => sealedParts is not null && sealedParts.TryGetValue(Path.GetFileName(path), out var part) ? part : null;

    /// <summary>The last part each table (by file name) will have sealed once <see cref="Open"/> has resumed it: a resume that cuts
    /// a complete file (after a stop) renumbers its rows as part 1, so the checkpoint's manifest must say so before the cut, or a
    /// kill before the next checkpoint would leave the manifest naming parts that are gone.</summary>
    public IReadOnlyDictionary<string, int> SealedPartsOnceOpen() => declared.ToDictionary(t => Path.GetFileName(t.Path),
        t => t.ResumeAt is { } step ? ArrowTableWriter.LastSealedPartOnResume(t.Path, step) : 0);

    /// <summary>Throws what a resume of any declared table would refuse (rows of other columns), touching nothing.</summary>
    public void Check()
    {
        foreach (var table in declared) table.Check();
    }

    /// <summary>Checks every declared table (<see cref="Check"/>), then opens them. When one cannot be opened after all
    /// (a disk error), those opened before are completed before the error is rethrown: a resumed table left open would
    /// stay in parts. Completing twice does nothing.</summary>
    /// <param name="beforeCut">Runs once every table is checked and before any is resumed (cut): what must record the
    /// numbering a resume leaves (<see cref="SealedPartsOnceOpen"/>) without forgiving a part the check would miss.</param>
    public TableSet Open(Action? beforeCut = null)
    {
        if (opened) throw new InvalidOperationException("the set is open already");
        Check();
        beforeCut?.Invoke();
        opened = true;
        try
        {
            foreach (var table in declared) tables.Add(table.Open());
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
        if (!opened) throw new InvalidOperationException("the set is written after it is opened");
        if (!tables.Any(t => t.TryWrite(row)))
            throw new ArgumentException($"no table for {row.GetType().Name}");
    }

    /// <summary>Makes every row written so far durable (sealed parts), labelled <paramref name="step"/>; returns the last part
    /// each table (by file name) has sealed, for the checkpoint's manifest.</summary>
    public IReadOnlyDictionary<string, int> Seal(long step)
    {
        foreach (var t in tables) t.Seal(step);
        return tables.ToDictionary(t => Path.GetFileName(t.Path), t => t.LastSealedPart);
    }

    /// <summary>Writes footers and makes the files visible; every table is completed before the first error is rethrown.</summary>
    public Task CompleteAsync() => CompleteAll.RunAsync(tables.Select(t => (Func<Task>)t.CompleteAsync));

    public async ValueTask DisposeAsync()
    {
        foreach (var t in tables) await t.DisposeAsync();
    }
}
