using System.Collections.Immutable;

namespace Retention.Data;

/// <summary>A delivered document and the cursor that resumes the source right after it.</summary>
public sealed record SourcedDocument(Document Document, SourceCursor After);

/// <summary>
/// The documents of one Dolma source: its shards in the epoch's seeded order, each line parsed,
/// bad lines and shards recorded in the <see cref="DataQualityLog"/> (or, strict, thrown), and
/// the documents shuffled in blocks.
/// </summary>
/// <remarks>
/// <para><b>Why blocks, not a sliding shuffle buffer.</b> A sliding buffer holds a random subset
/// of everything read so far, so resuming it exactly needs either the buffer's contents in the
/// checkpoint or a replay from the very beginning. Here the source reads
/// <c>shuffle_buffer</c> documents, permutes them with draws from a counter-based stream
/// (<see cref="SeededStream"/>) and delivers them; the cursor is then the block's start, the
/// draws before it and how many of its documents were delivered, so a resume re-reads one block
/// at most. Within a block the order is a uniform permutation; documents never cross blocks,
/// which is the price (shard shuffling per epoch spreads them further).</para>
/// <para><b>Issues across a resume.</b> A block is read whole before any of its documents is
/// delivered, so every issue inside a block with documents delivered was recorded before the
/// cursor existed: re-reading that block on resume records nothing, and the issues of an
/// interrupted and resumed run equal those of an uninterrupted one.</para>
/// <para><b>Epochs.</b> <c>epochs: 0</c> repeats forever, each epoch with its own shard order;
/// an epoch that yields no document at all ends the source instead of spinning. Issues are
/// properties of the data, so they are recorded in epoch 0 only, not again on every pass.</para>
/// <para>Enumerate on one thread; each enumeration is independent (it opens its own shards).</para>
/// </remarks>
public sealed class DocumentSource
{
    private readonly Func<Shard, Stream> _open;
    private readonly DataQualityLog _log;
    private readonly int _maxLineBytes;
    private readonly ulong _shuffleKey;
    private readonly bool _keepJson;
    private readonly Func<Document, bool> _counts;
    private readonly int _parseAhead;

    /// <param name="spec">Name, shuffle, epochs, strictness and weight of the source.</param>
    /// <param name="shards">The source's shards, sorted (<see cref="ShardList.Expand"/>).</param>
    /// <param name="seed">Seed of the shard order and the document shuffle.</param>
    /// <param name="open">Opens a shard's decompressed bytes (default: <see cref="ShardReader.Open"/>).</param>
    /// <param name="keepJson">Each document keeps its whole line (<see cref="Document.Json"/>), for writing it out again.</param>
    /// <param name="counts">The documents that count as an epoch's yield (default: all): a training stream counts its training
    /// documents, so a source whose every document is held out ends, as an empty one does, instead of being read forever.</param>
    /// <param name="parseAhead">Lines parsed ahead on the thread pool (<see cref="ShardSequence.Read"/>); negative: the machine's default.</param>
    public DocumentSource(DataSourceSpec spec, ImmutableArray<Shard> shards, long seed, DataQualityLog log,
        Func<Shard, Stream>? open = null, int maxLineBytes = ByteLineReader.DefaultMaxLineBytes, bool keepJson = false,
        Func<Document, bool>? counts = null, int parseAhead = -1)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(log);
        var errors = spec.Validate("source '" + spec.Name + "'");
        if (errors.Count > 0) throw new DataException(string.Join("; ", errors));
        if (spec.Format != "dolma") throw new DataException($"source '{spec.Name}': format {spec.Format} is not a document source");
        Spec = spec;
        Shards = shards;
        Seed = seed;
        _log = log;
        _open = open ?? new ShardReader().Open;
        _maxLineBytes = maxLineBytes;
        _shuffleKey = SeededStream.Derive(seed, "documents");
        _keepJson = keepJson;
        _counts = counts ?? (_ => true);
        _parseAhead = parseAhead;
    }

    /// <summary>Expands the spec's paths (relative to <paramref name="baseDirectory"/>) and takes the
    /// seed from the spec, or derives it from <paramref name="runSeed"/> and the source's name.</summary>
    /// <param name="absoluteIdsFrom">Name documents without ids by absolute paths, relative names resolved against this
    /// folder (<see cref="DataStreamSpec.AbsoluteIdsFrom"/>); null: by the names the paths spell.</param>
    public static DocumentSource Create(DataSourceSpec spec, string baseDirectory, long runSeed, DataQualityLog log,
        ShardReader? reader = null, bool keepJson = false, string? absoluteIdsFrom = null, Func<Document, bool>? counts = null, int parseAhead = -1)
    {
        var shards = ShardList.Expand(spec.Paths, baseDirectory);
        if (absoluteIdsFrom is not null) shards = [.. shards.Select(s => s.WithAbsoluteIdName(absoluteIdsFrom))];
        return new(spec, shards, spec.Seed ?? SeededStream.DeriveSeed(runSeed, spec.Name), log, (reader ?? new ShardReader()).Open, keepJson: keepJson, counts: counts, parseAhead: parseAhead);
    }

    public DataSourceSpec Spec { get; }
    public string Name => Spec.Name;
    public double Weight => Spec.Weight;
    public ImmutableArray<Shard> Shards { get; }
    public long Seed { get; }

    /// <summary>Just the documents, from <paramref name="from"/> (null: the beginning).</summary>
    public IEnumerable<Document> Documents(SourceCursor? from = null) => Read(from).Select(d => d.Document);

    /// <summary>The documents from <paramref name="from"/> (null: the beginning), each with the
    /// cursor that resumes right after it. The same seed and data give the same sequence, and
    /// resuming from any document's cursor gives exactly the rest of it.</summary>
    public IEnumerable<SourcedDocument> Read(SourceCursor? from = null)
    {
        var c = from ?? SourceCursor.Start;
        if (c.ShardIndex < 0 || c.ShardIndex > Shards.Length || c.LinesConsumed < 0 || c.BlockOffset < 0 || c.Epoch < 0)
            throw new DataException($"source '{Name}': cursor {c} does not fit its {Shards.Length} shards");
        var epoch = c.Epoch;
        var (startShard, startLines, startDigest) = (c.ShardIndex, c.LinesConsumed, ParseDigest(c) ?? (c.LinesConsumed == 0 ? LinesDigest.Empty : null));
        var shuffle = new SeededStream(_shuffleKey, c.ShuffleDraws);
        var delivered = c.DocumentsDelivered;
        var skip = c.BlockOffset;
        var quiet = c.BlockOffset > 0; // the first block was read, and its issues recorded, before
        var blockSize = Spec.ShuffleBuffer;

        while (Spec.Epochs == 0 || epoch < Spec.Epochs)
        {
            var order = ShardList.Order(Shards, Seed, epoch, Spec.ShuffleShards);
            var wholeEpoch = startShard == 0 && startLines == 0;
            var deliveredThisEpoch = 0L;
            using (var blocks = new BlockReader(
                ShardSequence.Read(order, startShard, startLines, _open, Name, _maxLineBytes, _keepJson, startDigest, _parseAhead),
                startShard, startLines, startDigest))
            {
                while (true)
                {
                    var (blockShard, blockLines, blockDigest, drawsBefore) = (blocks.ShardIndex, blocks.LinesConsumed, blocks.Digest, shuffle.Draws);
                    var record = !quiet && epoch == 0; // later epochs re-read the same bad lines
                    quiet = false;
                    var block = blocks.Fill(blockSize, issue => { if (record) _log.Record(issue, Spec.Strict); });
                    if (block.Count == 0) break;
                    if (skip > block.Count)
                        throw new DataException($"source '{Name}': cursor {c} points past its block; the data changed");
                    var permutation = SeededStream.Permutation(block.Count, ref shuffle);
                    for (var k = skip; k < block.Count; k++)
                    {
                        delivered++;
                        if (_counts(block[permutation[k]])) deliveredThisEpoch++;
                        var after = k == block.Count - 1
                            ? new SourceCursor(blocks.ShardIndex, blocks.LinesConsumed, delivered, shuffle.Draws, epoch,
                                LinesDigest: Format(blocks.Digest))
                            : new SourceCursor(blockShard, blockLines, delivered, drawsBefore, epoch, k + 1, Format(blockDigest));
                        yield return new SourcedDocument(block[permutation[k]], after);
                    }
                    skip = 0;
                }
            }
            if (wholeEpoch && deliveredThisEpoch == 0) yield break;
            epoch++;
            (startShard, startLines, startDigest) = (0, 0, LinesDigest.Empty);
        }
    }

    // Unknown only in the block a cursor without a digest (an earlier version's) resumes in; a cursor taken there has none either.
    private static string? Format(ulong? digest) => digest is { } d ? LinesDigest.Format(d) : null;

    private ulong? ParseDigest(SourceCursor c) =>
        c.LinesDigest is null ? null
        : ulong.TryParse(c.LinesDigest, System.Globalization.NumberStyles.AllowHexSpecifier, System.Globalization.CultureInfo.InvariantCulture, out var d) ? d
        : throw new DataException($"source '{Name}': cursor {c} has a lines digest that is not 16 hex digits");

    /// <summary>
    /// Cuts the event stream of one epoch into blocks. After a full block it also consumes the
    /// issue and shard-end events that follow, up to the next document (kept back for the next
    /// block), so a block that ends a shard leaves the position at the next shard's start rather
    /// than at the end of a shard a resume would have to reopen.
    /// </summary>
    private sealed class BlockReader(IEnumerable<ShardEvent> events, int shardIndex, long linesConsumed, ulong? digest) : IDisposable
    {
        private readonly IEnumerator<ShardEvent> _events = events.GetEnumerator();
        private ShardEvent? _pending;

        /// <summary>Position after the events consumed so far (not counting a kept-back document).</summary>
        public int ShardIndex { get; private set; } = shardIndex;
        public long LinesConsumed { get; private set; } = linesConsumed;
        public ulong? Digest { get; private set; } = digest;

        public List<Document> Fill(int size, Action<DataQualityIssue> onIssue)
        {
            var block = new List<Document>(Math.Min(size, 4096));
            while (block.Count < size && Next() is { } e) Consume(e, block, onIssue);
            if (block.Count == size)
            {
                while (Next() is { } e)
                {
                    if (e.Document is not null)
                    {
                        _pending = e;
                        break;
                    }
                    Consume(e, block, onIssue);
                }
            }
            return block;
        }

        private ShardEvent? Next()
        {
            if (_pending is { } p)
            {
                _pending = null;
                return p;
            }
            return _events.MoveNext() ? _events.Current : null;
        }

        private void Consume(ShardEvent e, List<Document> block, Action<DataQualityIssue> onIssue)
        {
            if (e.Document is not null) block.Add(e.Document);
            if (e.Issue is not null) onIssue(e.Issue);
            (ShardIndex, LinesConsumed, Digest) = (e.ShardIndex, e.LinesConsumed, e.Digest);
        }

        public void Dispose() => _events.Dispose();
    }
}
