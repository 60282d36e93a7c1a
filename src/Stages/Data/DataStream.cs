namespace Retention.Data;

/// <summary>The whole data stage of a run, as configuration.</summary>
/// <param name="AbsoluteIdsFrom">Null: documents without an id are named from their shard's path as the source's entries
/// spell it (<see cref="Shard.IdName"/>). A folder: by absolute paths, relative names resolved against it, as runs trained
/// before names were relative did; a resume of such a run keeps them, so its held-out split does not change mid-run.</param>
/// <param name="ParseAhead">Lines of a text source parsed ahead on the thread pool (<see cref="ShardSequence.Read"/>); null: the
/// machine's default (<see cref="ShardSequence.DefaultParseAhead"/>). The tokens are the same either way.</param>
public sealed record DataStreamSpec(
    IReadOnlyList<DataSourceSpec> Sources,
    TokenizerSpec Tokenizer,
    PackingSpec Packing,
    IReadOnlyList<InjectedTaskSpec> Tasks,
    long Seed,
    string? AbsoluteIdsFrom = null,
    int? ParseAhead = null);

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
    /// <param name="reader">Opens the shards (default: <see cref="ShardReader"/>'s defaults, retries unreported).</param>
    public static IEnumerable<TrainingBatch> Open(DataStreamSpec spec, string baseDirectory, DataQualityLog quality,
        DataStreamCursor? start = null, CancellationToken ct = default, TextTokenizer? tokenizer = null, ShardReader? reader = null)
    {
        start ??= DataStreamCursor.Start;
        tokenizer ??= TextTokenizer.Create(spec.Tokenizer, baseDirectory);
        var injector = spec.Tasks.Count == 0 ? null
            : Injector.Create(spec.Tasks, spec.Packing, tokenizer.VocabSize, tokenizer.EosId, spec.Seed).Injector;

        if (Pretokenized(spec) is { } tokens)
            return TrainingStream.Batches(PretokenizedDocuments(tokens, baseDirectory, spec.Seed, spec.AbsoluteIdsFrom, quality, tokenizer, start.Packer.DocumentIndex,
                Expect<PretokenizedCursor>(start.Source), HeldOutSplit.From(spec.Packing).IsTraining, reader), spec.Packing, tokenizer.EosId, injector, start);

        // The tokenizer asks for the reader's cursor right after pulling each document.
        ReadCursor? after = start.Source;
        var documents = Read(spec, baseDirectory, quality, start.Source, c => after = c, reader, HeldOutSplit.From(spec.Packing).IsTraining);
        var tokenized = ParallelTokenizer.Tokenize(tokenizer, documents, start.Packer.DocumentIndex, () => after, start.Source,
            HeldOutSplit.From(spec.Packing).IsTraining, spec.Tokenizer.Threads, spec.Packing.Prefetch, ct);
        return TrainingStream.Batches(tokenized, spec.Packing, tokenizer.EosId, injector, start);
    }

    /// <summary>The LM validation rows: the held-out documents (never trained on), packed from the
    /// start of the sources, read once (a held-out document is the same in every epoch, and a source
    /// repeated forever that holds out too few documents would otherwise be read forever). Quality issues
    /// met here are not recorded a second time. Empty when nothing is held out, no rows are asked for, or a
    /// pass holds out too few documents to fill a row (the caller says so: the validation loss is then NaN).</summary>
    /// <exception cref="DataException">A pass over the sources yields no document at all; the message gives the
    /// first data-quality issue met, which is usually why.</exception>
    public static ValidationSet HeldOut(DataStreamSpec spec, string baseDirectory, CancellationToken ct = default,
        TextTokenizer? tokenizer = null, ShardReader? reader = null)
    {
        var packing = spec.Packing;
        var split = HeldOutSplit.From(packing);
        if (split.Every == 0 || packing.ValidationRows == 0) return new ValidationSet(0, packing.RowLength, []);
        tokenizer ??= TextTokenizer.Create(spec.Tokenizer, baseDirectory);
        var onePass = spec with { Sources = [.. spec.Sources.Select(s => s.Epochs == 1 ? s : s with { Epochs = 1 })] };
        var quality = new DataQualityLog();
        long documents = 0;
        bool Keep(Document d) { Interlocked.Increment(ref documents); return split.IsHeldOut(d); }
        IEnumerable<TokenizedDocument> heldOut = Pretokenized(onePass) is { } tokens
            ? PretokenizedDocuments(tokens, baseDirectory, spec.Seed, spec.AbsoluteIdsFrom, quality, tokenizer, 0, null, Keep, reader)
            : ParallelTokenizer.Tokenize(tokenizer, Read(onePass, baseDirectory, quality, null, _ => { }, reader),
                keep: Keep, threads: spec.Tokenizer.Threads, capacity: spec.Packing.Prefetch, ct: ct);
        var set = ValidationSet.Build(heldOut, packing.RowLength, tokenizer.EosId, packing.ValidationRows);
        if (set.Rows == 0 && Interlocked.Read(ref documents) == 0) throw NoDocument(quality);
        return set;
    }

    /// <summary>Stops a run that got no batch when its sources yield no training document in a pass (every line bad, every
    /// shard empty, or every document held out), as <see cref="HeldOut"/> does for runs with a validation set: "data
    /// exhausted at step 0" would hide why. Reads up to the first training document, so a pass is read whole only when it
    /// has none.</summary>
    /// <exception cref="DataException">No training document in a pass; the message says why: the documents held out, or the
    /// first data-quality issue met.</exception>
    public static void RequireDocument(DataStreamSpec spec, string baseDirectory, TextTokenizer? tokenizer = null, ShardReader? reader = null)
    {
        var onePass = spec with { Sources = [.. spec.Sources.Select(s => s.Epochs == 1 ? s : s with { Epochs = 1 })] };
        var quality = new DataQualityLog();
        var split = HeldOutSplit.From(spec.Packing);
        long heldOut = 0;
        bool Trains(Document d)
        {
            if (split.IsTraining(d)) return true;
            heldOut++;
            return false;
        }
        bool any = Pretokenized(onePass) is { } tokens
            ? PretokenizedDocuments(tokens, baseDirectory, spec.Seed, spec.AbsoluteIdsFrom, quality, tokenizer ?? TextTokenizer.Create(spec.Tokenizer, baseDirectory), 0, null, Trains, reader).Any()
            : Read(onePass, baseDirectory, quality, null, _ => { }, reader).Any(Trains);
        if (any) return;
        if (heldOut > 0)
            throw new DataException($"the sources yielded no training document in a pass: all {heldOut:N0} of its documents are held out for " +
                $"validation (one in data.packing.held_out_every = {split.Every:N0}, chosen by a hash of each document's source and id): " +
                "give more documents, or raise held_out_every (0 holds none out)");
        throw NoDocument(quality);
    }

    static DataException NoDocument(DataQualityLog quality) =>
        new("the sources yielded no document in a pass" + (quality.Issues.FirstOrDefault() is { } first
            ? $" ({Messages.Counted.Of(quality.Total, "data-quality issue", "N0")}; the first: {DataException.Format(first)})" : ""));

    /// <summary>The stream's one pre-tokenized source, or null when its sources are text.
    /// Pre-tokenized sources are not mixed (validation says so before a run).</summary>
    static DataSourceSpec? Pretokenized(DataStreamSpec spec)
    {
        if (!spec.Sources.Any(s => s.Format == "pretokenized")) return null;
        if (spec.Sources.Count > 1)
            throw new DataException("a pre-tokenized source cannot be mixed with other sources; give it alone");
        return spec.Sources[0];
    }

    /// <summary>
    /// A pre-tokenized source's documents as the tokenizer would have delivered them: split at the
    /// source's <c>eos_token_id</c> (default the tokenizer's EOS), without the EOS the packer adds
    /// back. A document holding an id outside the tokenizer's vocabulary (the ids beyond it are the
    /// task tokens) is recorded as <c>token_out_of_vocabulary</c> and skipped.
    /// A document's id is its file's <see cref="Shard.IdName"/> and its token offset.
    /// <c>epochs</c> passes over the files (0: forever), each in its own seeded file order as a text source's shards are;
    /// issues are recorded in the first pass only (they are properties of the files), and a pass that yields no document
    /// <paramref name="keep"/> takes (none at all, or every one held out) ends the source instead of spinning.
    /// </summary>
    static IEnumerable<TokenizedDocument> PretokenizedDocuments(DataSourceSpec spec, string baseDirectory, long seed, string? absoluteIdsFrom,
        DataQualityLog quality, TextTokenizer tokenizer, long firstIndex, PretokenizedCursor? from, Func<Document, bool> keep, ShardReader? reader)
    {
        int eos = spec.EosTokenId ?? tokenizer.EosId, vocabulary = tokenizer.VocabSize;
        long index = firstIndex;
        ReadCursor before = from ?? PretokenizedCursor.Start;
        for (int epoch = from?.Epoch ?? 0; spec.Epochs == 0 || epoch < spec.Epochs; epoch++)
        {
            var log = epoch == 0 ? quality : new DataQualityLog();
            var source = PretokenizedSource.Create(spec, baseDirectory, seed, log, reader, absoluteIdsFrom, epoch);
            var names = source.Files.Select(f => f.IdName).ToArray();
            bool resumed = from?.Epoch == epoch, any = false;
            foreach (var d in source.ReadDocuments(eos, resumed ? from : null))
            {
                var doc = new Document($"{names[d.FileIndex]}@{d.Offset}", "", spec.Name, new DocumentPosition(names[d.FileIndex], d.FileIndex, d.Offset));
                int length = d.Tokens.Length > 0 && d.Tokens[^1] == eos ? d.Tokens.Length - 1 : d.Tokens.Length;
                int bad = d.Tokens.AsSpan(0, length).IndexOfAnyExceptInRange(0, vocabulary - 1);
                if (bad >= 0)
                    log.Record(new DataQualityIssue(names[d.FileIndex], d.Offset, DataQualityReasons.TokenOutOfVocabulary,
                        $"token id {d.Tokens[bad]} at offset {d.Offset + bad} is outside the tokenizer's vocabulary of {vocabulary}; document skipped"), spec.Strict);
                else if (keep(doc))
                {
                    any = true;   // a pass whose every document is held out ends the source too
                    yield return new TokenizedDocument(index, doc, d.Tokens.AsSpan(0, length).ToArray(), before);
                }
                index++;
                before = d.After;
            }
            if (!any && !resumed) yield break;
        }
    }

    /// <summary>One source read directly, several mixed by weight (<see cref="SourceMixer"/>).</summary>
    /// <param name="counts">The documents that keep a source going (<see cref="DocumentSource"/>): the training ones for a training stream.</param>
    static IEnumerable<Document> Read(DataStreamSpec spec, string baseDirectory, DataQualityLog quality, ReadCursor? from,
        Action<ReadCursor> after, ShardReader? reader, Func<Document, bool>? counts = null)
    {
        if (spec.Sources.Count == 0) throw new ArgumentException("the data stage needs at least one source");
        var sources = spec.Sources.Select(s => DocumentSource.Create(s, baseDirectory, spec.Seed, quality, reader, absoluteIdsFrom: spec.AbsoluteIdsFrom, counts: counts, parseAhead: spec.ParseAhead ?? -1)).ToList();
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
