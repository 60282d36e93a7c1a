namespace Retention.Data;

/// <summary>One training step's data: the injected batch, what was injected, and where the stream stands after it.</summary>
public sealed record TrainingBatch(TokenBatch Batch, IReadOnlyList<TaskInjectionRow> Injections, DataStreamCursor After)
{
    public long Step => Batch.Step;
}

/// <summary>
/// The data stream from tokenized documents to training batches: pack |> batch |> inject. The
/// caller opens the source at <c>start.Source</c> and tokenizes it (<see cref="ParallelTokenizer"/>,
/// firstIndex = <c>start.Packer.DocumentIndex</c>, start = <c>start.Source</c>, keep = the held-out split's IsTraining); from
/// there the stream is a pure function of the documents and the cursor.
/// </summary>
public static class TrainingStream
{
    public static IEnumerable<TrainingBatch> Batches(
        IEnumerable<TokenizedDocument> documents, PackingSpec packing, int eosId, Injector? injector, DataStreamCursor? start = null)
    {
        packing.Validate();
        start ??= DataStreamCursor.Start;
        if (start.Packer.RowsEmitted != start.Step * packing.BatchSize)
            throw new InvalidOperationException($"The cursor's {start.Packer.RowsEmitted} rows are not {start.Step} batches of {packing.BatchSize}: the batch size changed.");
        if (injector is not null && start.Injector is not null) injector.CheckResume(start.Injector);
        return Iterate(documents, packing, eosId, injector, start);
    }

    private static IEnumerable<TrainingBatch> Iterate(
        IEnumerable<TokenizedDocument> documents, PackingSpec packing, int eosId, Injector? injector, DataStreamCursor start)
    {
        var rows = SequencePacker.Pack(documents, packing.RowLength, eosId, start.Packer);
        foreach (var batch in BatchBuilder.Batches(rows, packing.BatchSize, start.Step + 1))
        {
            var injected = injector?.Inject(batch) ?? new InjectedBatch(batch, []);
            var after = new DataStreamCursor(batch.Step, batch.SourceAfter, batch.After, injector?.CursorAt(batch.Step));
            yield return new TrainingBatch(injected.Batch, injected.Injections, after);
        }
    }
}
