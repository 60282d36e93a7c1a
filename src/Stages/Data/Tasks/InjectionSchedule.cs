namespace Retention.Data;

/// <summary>
/// How many instances of one task the batch of each step receives.
///
/// Frequency, precisely: f = injected instances per training token, where a batch holds
/// T = B·L training tokens (B rows, L = seq_len trained positions per row; T does not change with f,
/// because injected segments replace text inside fixed-length rows). After every injection step s
/// (steps 1, 2, ...; injections at G, 2G, ...) the task has received exactly
///     C(s) = floor(f · T · G · floor(s / G))
/// instances, so over any window of whole gaps the count is f·T·(window batches) to within one
/// instance, and it is exact wherever f·T·(batches) is an integer. G = 1 is continuous injection
/// (a Bresenham spread of f·T per batch); larger G delivers the same long-run frequency in
/// injections of f·T·G instances. The arithmetic is in decimal: f (from YAML's double, which
/// converts with 15 significant digits, so 7.8e-3 is exactly 0.0078) times integers is exact, with
/// no epsilon for rounding.
///
/// Scale of the paper's range. Its ends are 7.8e-3 ≈ 2^-7 and 2.4e-8; Fig 11 uses 2.4e-7 ≈ 2^-22.
/// With OLMo's 4M-token batch, T = 2^22 = 4,194,304 (2,048 rows of 2,048): 2.4e-8 → 0.10
/// instances per batch, i.e. one every 10 batches (the paper's low end), 2^-22 → one per batch
/// (Fig 12's "one task instance per batch"), and 2^-7 → 32,768 per batch. The paper's "roughly 1K
/// instances per batch" at the top holds for T = 2^17 = 131,072 (e.g. 64 rows of 2,048): 2^-7·2^17 =
/// 1,024. No single T makes both parenthetical ends hold under any definition linear in the count:
/// the frequencies differ by 7.8e-3 / 2.4e-8 = 325,000 and the per-batch counts by 1,000 / 0.1 =
/// 10,000 (counting task tokens, 3 per instance, instead changes neither ratio). Instances per
/// token is chosen because it makes the low end, Fig 11 and Fig 12 agree at OLMo's batch size.
/// The task-token share of the training tokens is 3f; with the EOS each segment carries, 4f of the
/// text is replaced (3.1% at 2^-7, 1e-7 at 2.4e-8).
/// </summary>
public sealed record InjectionSchedule(decimal Frequency, long TokensPerBatch, long Gap)
{
    /// <summary>Largest accepted f: an injected segment is 4 tokens, so 1/8 would already replace half the text.</summary>
    public const double MaxFrequency = 0.125;

    /// <summary>Whether f is an accepted task frequency, (0, <see cref="MaxFrequency"/>]: the one rule for a pipeline
    /// file's tasks, its advise settings and `pipeline advise --frequency`.</summary>
    public static bool IsAcceptedFrequency(double f) => f is > 0 and <= MaxFrequency;

    /// <summary>The accepted range as the errors write it.</summary>
    public static readonly string AcceptedRange = FormattableString.Invariant($"(0, {MaxFrequency}]");

    public static InjectionSchedule Create(double frequency, long tokensPerBatch, long gap)
    {
        if (!(frequency > 0 && frequency <= MaxFrequency))
            throw new ArgumentOutOfRangeException(nameof(frequency), frequency, $"frequency (instances per training token) must be in (0, {MaxFrequency}].");
        ArgumentOutOfRangeException.ThrowIfLessThan(tokensPerBatch, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(gap, 1);
        return new InjectionSchedule((decimal)frequency, tokensPerBatch, gap);
    }

    /// <summary>f·T: the long-run mean number of instances per batch.</summary>
    public decimal InstancesPerBatch => Frequency * TokensPerBatch;

    /// <summary>Instances received up to and including step s (0 for s ≤ 0).</summary>
    public long CumulativeAt(long step) =>
        step <= 0 ? 0 : (long)decimal.Floor(Frequency * TokensPerBatch * (step / Gap * Gap));

    /// <summary>Instances injected into the batch of step s (1-based); nonzero only at multiples of G.</summary>
    public int CountAt(long step) =>
        step <= 0 || step % Gap != 0 ? 0 : checked((int)(CumulativeAt(step) - CumulativeAt(step - Gap)));

    /// <summary>The most instances one injection can hold: ceil(f·T·G).</summary>
    public int MaxPerInjection => checked((int)decimal.Ceiling(Frequency * TokensPerBatch * Gap));
}
