namespace Retention.Data;

/// <summary>
/// The rows of one training step, row-major in one array (<c>BatchSize × RowLength</c> ids, rows of
/// seq_len + 1 tokens), and the stream position after its last row. Step is 1-based, like the
/// trainer's. Treated as immutable: the injector writes into a copy.
/// </summary>
public sealed record TokenBatch(long Step, int BatchSize, int RowLength, int[] Tokens, PackerCursor After, ReadCursor? SourceAfter)
{
    public int SeqLen => RowLength - 1;

    /// <summary>The tokens this batch read from the stream: rows × (seq_len + 1), as rows are cut from it without overlap.
    /// What a data run's progress and `bench data` both count, so their tokens and tokens/s are the same figure.</summary>
    public long StreamTokens => (long)BatchSize * RowLength;

    public ReadOnlySpan<int> Row(int row) => Tokens.AsSpan(row * RowLength, RowLength);
}
