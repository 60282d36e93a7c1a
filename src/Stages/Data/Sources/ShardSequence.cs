using System.Collections.Immutable;

namespace Retention.Data;

/// <summary>
/// What reading a shard line by line produces, with the reading position just after it:
/// a document, an issue, or (both null) the end of a shard, after which the position is the
/// start of the next shard. Positions are (shard index in the epoch's order, lines consumed), with the
/// <see cref="LinesDigest"/> of the lines consumed of that shard.
/// </summary>
public readonly record struct ShardEvent(Document? Document, DataQualityIssue? Issue, int ShardIndex, long LinesConsumed,
    ulong Digest = LinesDigest.Empty)
{
    public bool IsShardEnd => Document is null && Issue is null;
}

/// <summary>
/// Walks the shards of one epoch in order from a position, parsing each line (Dolma JSON) into
/// <see cref="ShardEvent"/>s. Blank lines are consumed silently. A shard with no line at all
/// gives one <c>empty_shard</c> issue; a decompression error gives one issue at the line being
/// read and ends that shard (its earlier documents were already delivered). Issues and documents name their shard by
/// <see cref="Shard.IdName"/>, as the ids of documents without one do: a table of them reads the same wherever the project lies.
/// On 4 cores or more, lines are parsed on the thread pool, up to <see cref="DefaultParseAhead"/> at once, and come out in
/// order: the one reading thread (decompression, line splitting, digest, parsing) held a 16-core machine's stream near
/// 14 M tokens/s while its tokenizers could take 22 M. What was read is handed out before any read that may wait on the source.
/// </summary>
public static class ShardSequence
{
    /// <summary>Lines parsed ahead of the consumer, off the reading thread: none on machines of 1–3 cores, where every core
    /// tokenizes and parsing elsewhere only adds hand-overs; else one per core, at most 16.</summary>
    public static int DefaultParseAhead { get; } = Environment.ProcessorCount >= 4 ? Math.Min(Environment.ProcessorCount, 16) : 0;

    /// <param name="keepJson">Each document keeps its line (<see cref="Document.Json"/>).</param>
    /// <param name="startDigest">The <see cref="LinesDigest"/> of the <paramref name="startLines"/> lines as they were read
    /// before (a cursor's); null: not checked (a cursor from a version that did not record it).</param>
    /// <exception cref="DataException">The start position lies beyond a shard's end, or the lines before it differ from
    /// those read before (the data changed since the cursor was saved).</exception>
    public static IEnumerable<ShardEvent> Read(
        ImmutableArray<Shard> shards, int startShard, long startLines, Func<Shard, Stream> open,
        string defaultSource, int maxLineBytes = ByteLineReader.DefaultMaxLineBytes, bool keepJson = false,
        ulong? startDigest = null, int parseAhead = -1)
    {
        if (parseAhead < 0) parseAhead = DefaultParseAhead;
        // The parsing tasks wait in the pool behind the tokenizer workers, who hold its threads: a minimum raised by as many keeps
        // the reader from waiting for the pool's starvation detector (ThreadPoolHeadroom says why).
        using var headroom = Pipeline.ThreadPoolHeadroom.Reserve(parseAhead);
        var parsing = new Queue<Task<ShardEvent>>();
        for (var i = startShard; i < shards.Length; i++)
        {
            var shard = shards[i];
            var skip = i == startShard ? startLines : 0;
            using var lines = new ByteLineReader(open(shard), maxLineBytes);
            long line = 0;
            var digest = LinesDigest.Empty;
            var sawLine = skip > 0;
            DataQualityIssue? failure = null;
            while (true)
            {
                // In order: what is parsed already; everything before a read that may wait on the source (a slow or stalled
                // stream must not hold back documents in hand); the oldest when as many as parseAhead are being parsed.
                var mayWait = !lines.Answers;
                while (parsing.Count > 0 && (mayWait || parsing.Count >= parseAhead || parsing.Peek().IsCompleted))
                    yield return parsing.Dequeue().GetAwaiter().GetResult();
                var status = lines.Next(out var bytes, out var error);
                if (status == ByteLineReader.Status.End) break;
                if (status == ByteLineReader.Status.Error)
                {
                    failure = ShardReader.DescribeReadError(shard, line, error!);
                    break;
                }
                line++;
                digest = LinesDigest.Append(digest, bytes.Span);   // a line too long to keep counts as an empty one
                if (line <= skip)
                {
                    // Already consumed before the cursor was taken; the last of them tells whether they were these lines.
                    if (line == skip && startDigest is { } before && before != digest)
                        throw new DataException($"{shard.Location}: its first {skip} lines are not the ones the run read before " +
                            "its checkpoint: the shard changed since (a URL's file replaced on the server, a local file rewritten), " +
                            "and resuming would join two versions of it; restore the shard as it was (for a URL, pin a local copy) " +
                            "to continue the run, or train it afresh");
                    continue;
                }
                if (status == ByteLineReader.Status.TooLong)
                {
                    sawLine = true;
                    var tooLong = new ShardEvent(null, new DataQualityIssue(shard.IdName, line,
                        DataQualityReasons.LineTooLong, $"longer than {maxLineBytes} bytes; skipped"), i, line, digest);
                    if (parsing.Count == 0) yield return tooLong;
                    else parsing.Enqueue(Task.FromResult(tooLong));
                    continue;
                }
                if (IsBlank(bytes.Span)) continue;
                sawLine = true;
                if (parseAhead == 0)
                {
                    var parsed = DolmaParser.Parse(bytes.Span, shard.IdName, i, line, defaultSource, keepJson);
                    yield return new ShardEvent(parsed.Document, parsed.Issue, i, line, digest);
                    continue;
                }
                // The line's bytes are the reader's buffer until its next call: the task parses a copy.
                var (copy, name, index, number, after) = (bytes.ToArray(), shard.IdName, i, line, digest);
                parsing.Enqueue(Task.Run(() =>
                {
                    var parsed = DolmaParser.Parse(copy, name, index, number, defaultSource, keepJson);
                    return new ShardEvent(parsed.Document, parsed.Issue, index, number, after);
                }));
            }
            while (parsing.Count > 0) yield return parsing.Dequeue().GetAwaiter().GetResult();
            if (failure is null && line < skip)
                throw new DataException($"{shard.Location}: the cursor says {skip} lines were read, but the shard " +
                    $"has only {line}; the data changed since the checkpoint");
            // Both end the shard, so the position after them is already the next shard's start:
            // a cursor taken there must never reopen this shard and report them again.
            if (failure is not null) yield return new ShardEvent(null, failure, i + 1, 0);
            else if (!sawLine)
                yield return new ShardEvent(null, new DataQualityIssue(shard.IdName, 0, DataQualityReasons.EmptyShard,
                    "the shard has no lines"), i + 1, 0);
            yield return new ShardEvent(null, null, i + 1, 0);
        }
    }

    private static bool IsBlank(ReadOnlySpan<byte> line) => line.Trim(" \t"u8).IsEmpty;
}
