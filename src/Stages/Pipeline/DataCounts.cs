namespace Retention.Pipeline;

/// <summary>How much a data run (experiment: data) has read by a step, for its progress line (it has no loss to show):
/// <paramref name="Documents"/>, the sources' documents passed, held-out ones included (batches.arrow's documents_consumed at
/// that step), and
/// <paramref name="Tokens"/>, the tokens of its batches so far (rows × (seq_len + 1) each: rows are cut from the
/// documents without overlap, so these are the tokens read from them).</summary>
public sealed record DataCounts(long Documents, long Tokens);
