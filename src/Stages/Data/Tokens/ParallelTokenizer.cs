using System.Runtime.CompilerServices;
using System.Threading.Tasks.Dataflow;

namespace Retention.Data;

/// <summary>
/// Tokenizes a document stream on all cores with output in input order, so the token stream does
/// not depend on thread timing. A TransformBlock with EnsureOrdered holds finished documents until
/// those before them are done; bounded capacity keeps at most <c>capacity</c> documents in flight
/// (the source is read only as fast as the consumer takes tokens).
/// </summary>
public static class ParallelTokenizer
{
    private sealed record Numbered(long Index, Document Document, ReadCursor? Before);

    /// <summary>Whether the feeder is inside the source (opening it or pulling a document), where a stop cannot reach it.</summary>
    private sealed class Feeding
    {
        int inSource;
        public bool InSource => Volatile.Read(ref inSource) == 1;
        // A full fence each way: the feeder sets this and then looks at the stop, the consumer stops and then looks at this,
        // so at least one of them sees the other.
        public void Enter() => Interlocked.Exchange(ref inSource, 1);
        public void Leave() => Interlocked.Exchange(ref inSource, 0);
    }

    /// <summary>How long leaving waits for the feeder to end. Tests make it unbounded, so that a wait shows as a hang.</summary>
    internal static TimeSpan StopGrace { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Whether leaving waits for the feeder: not after the caller's stop (Ctrl+C) while the feeder waits inside the source.
    /// A read of a named pipe or a stalled device cannot be cancelled, and disposing the source from here does not wake it
    /// (its handle stays open until the read returns), so the stop would wait for input that may never come. Left alone, the
    /// feeder ends once the source returns: it looks at the stop first and touches nothing but the source's enumerator,
    /// which it disposes. Else (a consumer leaving early, a fault, a feeder between documents) the wait is short.</summary>
    private static bool WaitsForFeeder(Feeding feeding, CancellationToken stop) => !(stop.IsCancellationRequested && feeding.InSource);

    /// <param name="documents">The source's documents, from its resume point.</param>
    /// <param name="firstIndex">The source ordinal of the first document (the resumed packer cursor's document index).</param>
    /// <param name="cursor">Reads the source's cursor; called right after each document is pulled, when
    /// it must describe the position after that document (null: the source has no cursors).</param>
    /// <param name="start">The cursor the source was opened at: the first document's resume point.</param>
    /// <param name="keep">Documents to tokenize (others, e.g. the held-out slice, are counted and skipped).</param>
    public static IEnumerable<TokenizedDocument> Tokenize(
        TextTokenizer tokenizer, IEnumerable<Document> documents, long firstIndex = 0,
        Func<ReadCursor?>? cursor = null, ReadCursor? start = null, Func<Document, bool>? keep = null,
        int threads = 0, int capacity = 256, CancellationToken ct = default)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        using var headroom = Reserve(threads);
        var block = CreateBlock(tokenizer, threads, capacity, cts.Token);
        var feeding = new Feeding();
        var feeder = Task.Run(() => FeedAsync(block, documents, firstIndex, cursor, start, keep, feeding, cts.Token), cts.Token);
        try
        {
            // Blocking receive: the consumer is the trainer's synchronous thread; the block's own
            // workers run on the pool. OutputAvailableAsync turns false once the feeder completed the
            // block and every document came out (or the block faulted: rethrown below).
            while (block.OutputAvailableAsync(cts.Token).GetAwaiter().GetResult())
                while (block.TryReceive(out var doc)) yield return doc;
            block.Completion.GetAwaiter().GetResult();
            feeder.GetAwaiter().GetResult();
        }
        finally
        {
            // Leaving early (the consumer stopped, or a fault): stop the feeder and the workers.
            cts.Cancel();
            if (WaitsForFeeder(feeding, ct))
                try { feeder.Wait(StopGrace); } catch (AggregateException) { /* cancelled, or its fault already surfaced through the block */ }
        }
    }

    /// <summary>The same, for a caller that consumes asynchronously (a Dataflow graph).</summary>
    public static async IAsyncEnumerable<TokenizedDocument> TokenizeAsync(
        TextTokenizer tokenizer, IEnumerable<Document> documents, long firstIndex = 0,
        Func<ReadCursor?>? cursor = null, ReadCursor? start = null, Func<Document, bool>? keep = null,
        int threads = 0, int capacity = 256, [EnumeratorCancellation] CancellationToken ct = default)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        using var headroom = Reserve(threads);
        var block = CreateBlock(tokenizer, threads, capacity, cts.Token);
        var feeding = new Feeding();
        var feeder = Task.Run(() => FeedAsync(block, documents, firstIndex, cursor, start, keep, feeding, cts.Token), cts.Token);
        try
        {
            while (await block.OutputAvailableAsync(cts.Token).ConfigureAwait(false))
                while (block.TryReceive(out var doc)) yield return doc;
            await block.Completion.ConfigureAwait(false);
            await feeder.ConfigureAwait(false);
        }
        finally
        {
            await cts.CancelAsync().ConfigureAwait(false);
            if (WaitsForFeeder(feeding, ct))
                try { await feeder.ConfigureAwait(false); } catch (Exception) { /* cancelled, or its fault already surfaced through the block */ }
        }
    }

    /// <summary>The workers a block runs (0: one per core); the one place <paramref name="threads"/> is checked, as
    /// <see cref="Reserve"/> sees it before the block is made.</summary>
    private static int Workers(int threads)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(threads);
        return threads == 0 ? Environment.ProcessorCount : threads;
    }

    /// <summary>The workers hold pool threads while documents wait; the hand-over of their output needs one more.</summary>
    private static IDisposable Reserve(int threads) => Pipeline.ThreadPoolHeadroom.Reserve(Workers(threads));

    private static TransformBlock<Numbered, TokenizedDocument> CreateBlock(TextTokenizer tokenizer, int threads, int capacity, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        return new TransformBlock<Numbered, TokenizedDocument>(
            d => new TokenizedDocument(d.Index, d.Document, tokenizer.Encode(d.Document.Text), d.Before),
            new ExecutionDataflowBlockOptions
            {
                MaxDegreeOfParallelism = Workers(threads),
                EnsureOrdered = true,
                BoundedCapacity = capacity,
                SingleProducerConstrained = true,
                CancellationToken = ct,
            });
    }

    private static async Task FeedAsync(ITargetBlock<Numbered> block, IEnumerable<Document> documents, long index,
        Func<ReadCursor?>? cursor, ReadCursor? before, Func<Document, bool>? keep, Feeding feeding, CancellationToken ct)
    {
        try
        {
            // A document's resume point is the cursor read just after the previous one was pulled
            // (the opening cursor for the first): a lazily opened source may not know its position
            // before the first MoveNext.
            using var e = documents.GetEnumerator();
            while (true)
            {
                // Marked before the stop is looked at: a stop the consumer took for one outside the source is seen here.
                feeding.Enter();
                ct.ThrowIfCancellationRequested();
                bool more = e.MoveNext();
                feeding.Leave();
                if (!more) break;
                ct.ThrowIfCancellationRequested();
                var doc = e.Current;
                var after = cursor?.Invoke();
                if (keep is null || keep(doc))
                    if (!await block.SendAsync(new Numbered(index, doc, before), ct).ConfigureAwait(false)) break;
                index++;
                before = after;
            }
            block.Complete();
        }
        catch (Exception ex)
        {
            // A source fault reaches the consumer through the block (Completion rethrows it).
            block.Fault(ex);
            throw;
        }
    }
}
