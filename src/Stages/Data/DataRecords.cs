namespace Retention.Data;

// Records that cross the data stage's boundaries (sources → tokenizer → packer → trainer).
// Immutable; the position records are what a checkpoint saves so a resumed run sees exactly
// the same stream.

/// <summary>One Dolma-format document (a JSON line with at least id, text, source). <paramref name="Json"/> is the
/// line as read, every field of it, when the source was asked to keep it (`data sample` copies documents whole);
/// null otherwise, so a training run holds only what it reads.</summary>
public sealed record Document(string Id, string Text, string Source, DocumentPosition Position, string? Json = null);

/// <summary>Where a document came from: the shard, named as the source's paths spell it (<see cref="Shard.IdName"/>: a
/// relative path for a relative entry, else the absolute path or the URL), its index in the source's shard order, and the
/// 1-based line within the decompressed shard (a pre-tokenized document: its token offset).</summary>
public sealed record DocumentPosition(string Shard, int ShardIndex, long Line);

/// <summary>
/// Where the document reader stands: one source's <see cref="SourceCursor"/>, a weighted mix's
/// <see cref="MixerCursor"/>, or a pre-tokenized source's <see cref="PretokenizedCursor"/>. Tagged in JSON so a checkpoint restores the right kind.
/// </summary>
[System.Text.Json.Serialization.JsonPolymorphic(TypeDiscriminatorPropertyName = "kind")]
[System.Text.Json.Serialization.JsonDerivedType(typeof(SourceCursor), "source")]
[System.Text.Json.Serialization.JsonDerivedType(typeof(MixerCursor), "mixer")]
[System.Text.Json.Serialization.JsonDerivedType(typeof(PretokenizedCursor), "pretokenized")]
public abstract record ReadCursor;

/// <summary>A document, line or shard the stage skipped, and why (data_quality.arrow). <paramref name="Shard"/> is named as
/// the document positions name it (<see cref="DocumentPosition"/>).</summary>
public sealed record DataQualityIssue(string Shard, long Line, string Reason, string Detail);

/// <summary>
/// Resume point of one source, saved with a checkpoint so a resumed run delivers exactly the
/// documents an uninterrupted run would have delivered next.
/// </summary>
/// <remarks>
/// Documents are shuffled in blocks (see <see cref="DocumentSource"/>), so the cursor names the
/// start of the current block rather than the last line read: <see cref="ShardIndex"/> (into the
/// epoch's seeded shard order) and <see cref="LinesConsumed"/> of that shard are where the block
/// starts, <see cref="BlockOffset"/> how many of the block's documents were delivered, and
/// <see cref="ShuffleDraws"/> how many draws of the document-shuffle random stream were used
/// before the block (the stream is counter-based, so this count is its whole state).
/// Resuming re-reads at most one block. <see cref="DocumentsDelivered"/> counts documents over
/// the whole source (all epochs); <see cref="Epoch"/> is the pass over the shards (0-based).
/// <see cref="LinesDigest"/> is the <see cref="Data.LinesDigest"/> of those <see cref="LinesConsumed"/> lines, so a resume
/// that skips them again can tell that the shard still holds them (null in cursors of versions before it, and not checked).
/// </remarks>
public sealed record SourceCursor(
    int ShardIndex, long LinesConsumed, long DocumentsDelivered, long ShuffleDraws, int Epoch = 0, int BlockOffset = 0,
    string? LinesDigest = null)
    : ReadCursor
{
    /// <summary>The beginning of a source: nothing read, nothing delivered.</summary>
    public static SourceCursor Start { get; } = new(0, 0, 0, 0);
}
