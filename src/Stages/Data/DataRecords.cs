namespace Retention.Data;

// Records that cross the data stage's boundaries (sources → tokenizer → packer → trainer).
// Immutable; the position records are what a checkpoint saves so a resumed run sees exactly
// the same stream.

/// <summary>One Dolma-format document (a JSON line with at least id, text, source).</summary>
public sealed record Document(string Id, string Text, string Source, DocumentPosition Position);

/// <summary>Where a document came from: the shard (file path or URL), its index in the source's
/// shard order, and the 1-based line within the decompressed shard.</summary>
public sealed record DocumentPosition(string Shard, int ShardIndex, long Line);

/// <summary>A document, line or shard the stage skipped, and why (data_quality.arrow).</summary>
public sealed record DataQualityIssue(string Shard, long Line, string Reason, string Detail);

/// <summary>
/// Resume point of one source: the next shard to read (index into the seeded shard order),
/// how many lines of it were consumed, documents delivered so far, and the state of the
/// document-shuffle RNG (as the seed and number of draws, so it can be replayed exactly).
/// </summary>
public sealed record SourceCursor(int ShardIndex, long LinesConsumed, long DocumentsDelivered, long ShuffleDraws);
