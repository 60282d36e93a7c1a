using Retention.Spec;
using Retention.Synthetic;
using Retention.Theory;

namespace Retention.Advice;

/// <summary>advice_widths.arrow: for a width, the smallest rare frequency the theory retains the rare feature at.</summary>
public sealed record WidthAdvice(int Width, double MinRareFrequency, int FrequentFeatures);

/// <summary>advice_frequencies.arrow: for a rare frequency, the smallest width that retains the rare feature (N_crit).</summary>
public sealed record FrequencyAdvice(double RareFrequency, int MinWidth);

/// <summary>
/// The synthetic mixture's exact answer to "how much frequency, or how much width, does the rare task
/// need". N_crit = min{N : mu_N(M_F) ≤ pi_r·lambda_r} (paper-spec Part 1, <see cref="CriticalWidth"/>).
/// The frequent eigenvalues scale with the share left to the mixture, mu_N = (1 − pi_r)·nu_N with
/// nu_N the N-th largest frequent utility at a full share, so at width N the rare feature is retained
/// iff pi_r·lambda_r ≥ (1 − pi_r)·nu_N, that is pi_r ≥ nu_N / (lambda_r + nu_N): the smallest rare
/// frequency for width N, exactly (0 past the |F|·d frequent features). Pure functions of the spec.
/// </summary>
public static class SyntheticAdvisor
{
    /// <summary>The smallest retaining rare frequency for each width.</summary>
    public static IReadOnlyList<WidthAdvice> MinFrequencies(SyntheticSpec spec, int seed, IEnumerable<int> widths)
    {
        var rare = spec.Rare ?? throw new ArgumentException("the pipeline has no synthetic.rare task to advise on");
        var nu = FullShareUtilities(spec, seed);
        double lambda = RareLambda(rare);
        return [.. widths.Select(n =>
        {
            double nuN = n >= 1 && n <= nu.Length ? nu[n - 1] : 0;
            return new WidthAdvice(n, nuN / (lambda + nuN), nu.Length);
        })];
    }

    /// <summary>N_crit for each rare frequency (the smallest retaining width).</summary>
    public static IReadOnlyList<FrequencyAdvice> MinWidths(SyntheticSpec spec, int seed, IEnumerable<double> frequencies)
    {
        var rare = spec.Rare ?? throw new ArgumentException("the pipeline has no synthetic.rare task to advise on");
        return [.. frequencies.Select(f => new FrequencyAdvice(f,
            CriticalWidth.Of(TaskMixture.From(spec with { Rare = rare with { Frequency = f } }, seed))))];
    }

    /// <summary>A log-spaced grid of rare frequencies around the spec's, for the frequency table and plot.</summary>
    public static IReadOnlyList<double> FrequencyGrid(double around, int perDecade = 8, int decades = 2) =>
        [.. Enumerable.Range(-decades * perDecade, 2 * decades * perDecade + 1)
            .Select(i => around * Math.Pow(10, (double)i / perDecade)).Where(f => f > 0 && f <= 0.5)];

    /// <summary>nu: the frequent utilities p_k·lambda_kj with the mixture's full share (p ∝ k^−beta), descending.</summary>
    static double[] FullShareUtilities(SyntheticSpec spec, int seed)
    {
        var mixture = TaskMixture.From(spec with { Rare = null }, seed);
        return CriticalWidth.FrequentEigenvalues(mixture);
    }

    /// <summary>The rare task's top variance lambda_r (its spectrum is scaled so the top one is lambda).</summary>
    static double RareLambda(RareSpec rare) => rare.Lambda;
}
