namespace Retention.Data;

/// <summary>The whole data stage of a run, as configuration.</summary>
public sealed record DataStreamSpec(
    IReadOnlyList<DataSourceSpec> Sources,
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
    /// <param name="tokenizer">The tokenizer of spec.Tokenizer when the caller has built it already (it is thread-safe).</param>
    public static IEnumerable<TrainingBatch> Open(DataStreamSpec spec, string baseDirectory, DataQualityLog quality,
        DataStreamCursor? start = null, CancellationToken ct = default, TextTokenizer? tokenizer = null)
    {
        start ??= DataStreamCursor.Start;
        tokenizer ??= TextTokenizer.Create(spec.Tokenizer);
        var injector = spec.Tasks.Count == 0 ? null
            : Injector.Create(spec.Tasks, spec.Packing, tokenizer.VocabSize, tokenizer.EosId, spec.Seed).Injector;

        // The tokenizer asks for the reader's cursor right after pulling each document.
        ReadCursor? after = start.Source;
        var documents = Read(spec, baseDirectory, quality, start.Source, c => after = c);
        var tokenized = ParallelTokenizer.Tokenize(tokenizer, documents, start.Packer.DocumentIndex, () => after, start.Source,
            HeldOutSplit.From(spec.Packing).IsTraining, spec.Tokenizer.Threads, ct: ct);
        return TrainingStream.Batches(tokenized, spec.Packing, tokenizer.EosId, injector, start);
    }

    /// <summary>The LM validation rows: the held-out documents (never trained on), packed from the
    /// start of the sources. Quality issues met here are not recorded a second time.</summary>
    public static ValidationSet HeldOut(DataStreamSpec spec, string baseDirectory, CancellationToken ct = default,
        TextTokenizer? tokenizer = null)
    {
        tokenizer ??= TextTokenizer.Create(spec.Tokenizer);
        var documents = Read(spec, baseDirectory, new DataQualityLog(), null, _ => { });
        var heldOut = ParallelTokenizer.Tokenize(tokenizer, documents, keep: HeldOutSplit.From(spec.Packing).IsHeldOut,
            threads: spec.Tokenizer.Threads, ct: ct);
        return ValidationSet.Build(heldOut, spec.Packing.RowLength, tokenizer.EosId, spec.Packing.ValidationRows);
    }

    /// <summary>One source read directly, several mixed by weight (<see cref="SourceMixer"/>).</summary>
    static IEnumerable<Document> Read(DataStreamSpec spec, string baseDirectory, DataQualityLog quality, ReadCursor? from,
        Action<ReadCursor> after)
    {
        if (spec.Sources.Count == 0) throw new ArgumentException("the data stage needs at least one source");
        var sources = spec.Sources.Select(s => DocumentSource.Create(s, baseDirectory, spec.Seed, quality)).ToList();
        if (sources.Count == 1)
            return sources[0].Read(Expect<SourceCursor>(from)).Select(d => { after(d.After); return d.Document; });
        return new SourceMixer(sources, spec.Seed).Read(Expect<MixerCursor>(from)).Select(d => { after(d.After); return d.Document; });
    }

    static T? Expect<T>(ReadCursor? cursor) where T : ReadCursor => cursor switch
    {
        null => null,
        T t => t,
        _ => throw new InvalidOperationException(
            $"the checkpoint's data cursor is a {cursor.GetType().Name}, but the data stage now reads with a {typeof(T).Name}: the number of sources changed"),
    };
}
