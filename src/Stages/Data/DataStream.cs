namespace Retention.Data;

/// <summary>The whole data stage of a run, as configuration.</summary>
public sealed record DataStreamSpec(
    DataSourceSpec Source,
    TokenizerSpec Tokenizer,
    PackingSpec Packing,
    IReadOnlyList<InjectedTaskSpec> Tasks,
    long Seed);

/// <summary>
/// The data stage assembled in one place, read top to bottom:
///
///   source (shards → documents, seeded shuffle, cursor) |> tokenize (all cores, ordered)
///     |> pack (fixed-length rows, EOS between documents) |> batch |> inject (scheduled task instances)
///
/// Every batch carries the <see cref="DataStreamCursor"/> after it; opening the stream again at
/// that cursor continues it bit for bit. The held-out slice (<see cref="HeldOutSplit"/>) is
/// skipped here and packed for validation by <see cref="ValidationSet"/>.
/// </summary>
public static class DataStream
{
    public static IEnumerable<TrainingBatch> Open(DataStreamSpec spec, string baseDirectory, DataQualityLog quality,
        DataStreamCursor? start = null, CancellationToken ct = default)
    {
        start ??= DataStreamCursor.Start;
        var tokenizer = TextTokenizer.Create(spec.Tokenizer);
        var source = DocumentSource.Create(spec.Source, baseDirectory, spec.Seed, quality);
        var injector = spec.Tasks.Count == 0 ? null
            : Injector.Create(spec.Tasks, spec.Packing, tokenizer.VocabSize, tokenizer.EosId, spec.Seed).Injector;

        // The tokenizer asks for the source's cursor right after pulling each document.
        SourceCursor? after = start.Source;
        var documents = source.Read(start.Source).Select(d => { after = d.After; return d.Document; });
        var tokenized = ParallelTokenizer.Tokenize(tokenizer, documents, start.Packer.DocumentIndex, () => after, start.Source,
            HeldOutSplit.From(spec.Packing).IsTraining, spec.Tokenizer.Threads, ct: ct);
        return TrainingStream.Batches(tokenized, spec.Packing, tokenizer.EosId, injector, start);
    }
}
