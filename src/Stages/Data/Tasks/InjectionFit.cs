namespace Retention.Data;

/// <summary>
/// Whether one injection fits the batch (the injector's capacity rule): every task's largest injection, ceil(f·B·L·G)
/// instances, summed over the tasks as if all fell on one step, is spread over the batch's B rows, ceil(sum / B) segments
/// of 4 tokens (EOS TOK1 TOK2 LABEL) per row, and those must take at most half of a row's L + 1 tokens (floor((L + 1) / 2)),
/// so that most of each row stays text. Roughly Σ f·G ≤ 1/8 over the tasks: B and L cancel but for the rounding up
/// to whole instances and segments, which matters only for small batches.
/// </summary>
/// <param name="Instances">The instances of one injection, summed over the tasks; null past what decimal counts (a huge gap).</param>
public sealed record InjectionFit(decimal? Instances, int BatchSize, int RowLength)
{
    /// <summary>Segments one row takes: ceil(Instances / B).</summary>
    public decimal? PerRow => Instances is { } n ? decimal.Ceiling(n / BatchSize) : null;

    /// <summary>Tokens of a row the injection may take: half of it.</summary>
    public int Limit => RowLength / 2;

    public bool Fits => PerRow is { } p && p * Injector.SegmentLength <= Limit;

    public static InjectionFit Of(IEnumerable<InjectionSchedule> schedules, int batchSize, int rowLength)
    {
        decimal? most;
        try { most = schedules.Aggregate(0m, (sum, s) => checked(sum + decimal.Ceiling(s.Frequency * s.TokensPerBatch * s.Gap))); }
        catch (OverflowException) { most = null; }
        return new InjectionFit(most, batchSize, rowLength);
    }

    /// <summary>What does not fit, in numbers: "an injection of up to N instances puts P segments of 4 tokens in a row of R, more than half of it".</summary>
    public string Excess() => Instances is { } n
        ? FormattableString.Invariant($"an injection of up to {Messages.Counted.Of(n, "instance")} puts {Messages.Counted.Of(PerRow!.Value, "segment")} of {Injector.SegmentLength} tokens in a row of {RowLength}, more than half of it")
        : FormattableString.Invariant($"an injection of more than {decimal.MaxValue:0.###E+0} instances cannot fit in a row of {RowLength}");
}
