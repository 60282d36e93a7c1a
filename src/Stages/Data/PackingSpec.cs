namespace Retention.Data;

// Bound from YAML as it is (see TokenizerSpec.cs); Validate() checks the ranges.

/// <summary>How documents become fixed-length training rows and batches.</summary>
public sealed record PackingSpec
{
    /// <summary>
    /// L: positions trained per row. Each packed row holds L + 1 tokens so that inputs (the first L)
    /// and targets (the last L) shift by one; rows do not overlap, so the token at a row's start is
    /// never a target (one in L + 1 tokens, the price of rows that are independent of each other).
    /// </summary>
    public int SeqLen { get; init; } = 2048;

    /// <summary>B: rows per batch. B·L is the number of training tokens per batch (the denominator of
    /// an injected task's frequency, see <see cref="InjectedTaskSpec.Frequency"/>).</summary>
    public int BatchSize { get; init; } = 64;

    /// <summary>
    /// One document in held_out_every is kept out of training for the LM validation set, chosen by a
    /// seeded hash of its id (so the choice does not depend on shard order or on resuming). 0 = none.
    /// </summary>
    public int HeldOutEvery { get; init; } = 1000;

    /// <summary>Seed of the held-out hash (a corpus property: keep it fixed across a sweep).</summary>
    public int HeldOutSeed { get; init; }

    /// <summary>Rows (of L + 1 tokens) packed from the first held-out documents for validation loss.</summary>
    public int ValidationRows { get; init; } = 256;

    /// <summary>Documents in flight between the source and the packer (bounds memory of the tokenizer stage).</summary>
    public int Prefetch { get; init; } = 256;

    public int RowLength => SeqLen + 1;
    public long TokensPerBatch => (long)BatchSize * SeqLen;

    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(SeqLen, 4, "packing.seq_len");
        ArgumentOutOfRangeException.ThrowIfLessThan(BatchSize, 1, "packing.batch_size");
        ArgumentOutOfRangeException.ThrowIfNegative(HeldOutEvery, "packing.held_out_every");
        ArgumentOutOfRangeException.ThrowIfNegative(ValidationRows, "packing.validation_rows");
        ArgumentOutOfRangeException.ThrowIfLessThan(Prefetch, 1, "packing.prefetch");
    }
}
