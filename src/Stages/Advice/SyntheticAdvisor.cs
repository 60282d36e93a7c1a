using Retention.Spec;
using Retention.Synthetic;
using Retention.Theory;

namespace Retention.Advice;

/// <summary>advice_widths.arrow: for a width, the smallest rare frequency the theory retains the rare feature at.</summary>
public sealed record WidthAdvice(int Width, double MinRareFrequency, int FrequentFeatures)
{
    /// <summary>Which of the sweep's mixtures (see <see cref="SyntheticMixture"/>); "" where the sweep trains one.</summary>
    public string Mixture { get; init; } = "";
}

/// <summary>advice_frequencies.arrow: for a rare frequency, the smallest width that retains the rare feature (N_crit).</summary>
public sealed record FrequencyAdvice(double RareFrequency, int MinWidth)
{
    /// <summary>Which of the sweep's mixtures (see <see cref="SyntheticMixture"/>); "" where the sweep trains one.</summary>
    public string Mixture { get; init; } = "";
}

/// <summary>
/// One distinct theory among a pipeline's runs: the synthetic spec (and seed) of its first run, and a label naming the
/// swept values that set it apart ("synthetic.frequency_exponent=0.5"; "" where every run shares one theory).
/// </summary>
public sealed record SyntheticMixture(string Label, SyntheticSpec Spec, int Seed);

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

    /// <summary>
    /// The distinct theories the runs train. Two runs share one where the advice cannot tell them apart: the same
    /// frequent utilities at a full share (tasks, dims, exponents, scale, frequent set) and the same rare lambda; the
    /// width, rare frequency and gap, basis and seed do not enter it. A mixture's label lists each swept key whose
    /// values in the mixture are not all the sweep's values ("key=v", or "key=v1|v2"), so a key that only varies
    /// within each mixture (the width, the seed) is left out.
    /// </summary>
    public static IReadOnlyList<SyntheticMixture> Mixtures(PipelineSpec spec, IReadOnlyList<RunPlan> runs)
    {
        if (runs.Count == 0) return [new SyntheticMixture("", spec.Synthetic, spec.Seed)];
        var groups = new List<(double[] Nu, double Lambda, List<RunPlan> Runs)>();
        foreach (var run in runs)
        {
            var rare = run.Spec.Synthetic.Rare ?? throw new ArgumentException($"run {run.RunId} has no synthetic.rare task to advise on");
            var nu = FullShareUtilities(run.Spec.Synthetic, run.Spec.Seed);
            var group = groups.FirstOrDefault(g => g.Lambda == rare.Lambda && g.Nu.AsSpan().SequenceEqual(nu));
            if (group.Runs is null) groups.Add((nu, rare.Lambda, [run]));
            else group.Runs.Add(run);
        }
        var axes = spec.Sweep.Keys.Select(k => (Key: k, Short: k.Split('.')[^1]))
            .Where(a => runs.All(r => r.Parameters.ContainsKey(a.Short))).ToList();
        string Label(List<RunPlan> members)
        {
            if (groups.Count == 1) return "";
            var parts = new List<string>();
            foreach (var (key, shortKey) in axes)
            {
                var all = runs.Select(r => r.Parameters[shortKey]).Distinct().ToList();
                var here = members.Select(r => r.Parameters[shortKey]).Distinct().ToList();
                if (here.Count < all.Count) parts.Add($"{key}={string.Join("|", here)}");
            }
            return string.Join(", ", parts);
        }
        var labels = groups.Select(g => Label(g.Runs)).ToList();
        // Labels that cannot tell two mixtures apart (swept keys that interact) are numbered.
        if (labels.Distinct().Count() < labels.Count || groups.Count > 1 && labels.Contains(""))
            labels = [.. labels.Select((l, i) => $"{l}{(l == "" ? "" : " ")}#{i + 1}")];
        return [.. groups.Select((g, i) => new SyntheticMixture(labels[i], g.Runs[0].Spec.Synthetic, g.Runs[0].Spec.Seed))];
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
