namespace Retention.Advice;

/// <summary>One run's final test accuracy on one injected task (among its label tokens).</summary>
public sealed record TaskOutcome(string Kind, double Frequency, long Parameters, int Seed, double Accuracy, double Tokens)
{
    /// <summary>The run's directory (in its sweep's runs/), to name it in an error and read its spec; empty where not read from a sweep.</summary>
    public string Run { get; init; } = "";
}

/// <summary>
/// advice_boundaries.arrow: for a task kind and model size, the rarest tested frequency whose seed-mean
/// test accuracy reaches the target (as the pipelines' rarest_learned tables count it), the boundary
/// interpolated in log-frequency below the rarest tested frequency from which every more frequent
/// tested one is learned (the same frequency unless the means are not monotone), and a bootstrap
/// interval over seeds. Status says when the data cannot place it: below or above the tested range,
/// one seed (no interval), or fewer than two frequencies; and where the means are not monotone, at
/// which frequencies above a learned one the target is missed.
/// </summary>
public sealed record Boundary(string Kind, long Parameters, int Seeds, int Frequencies, double? RarestLearnedTested,
    double? BoundaryFrequency, double? Low, double? High, string Status)
{
    /// <summary>The frequency at and above which this size learns the kind, as far as the sweeps show: the boundary, or,
    /// where two or more frequencies were tested and all learned, the rarest of them (the boundary lies lower). Null
    /// where the data cannot place it. Not a column: the levers read it instead of the status text.</summary>
    public double? LearnsFrom { get; init; }
}

/// <summary>advice_factors.arrow: how many times more frequent a task must be for the smaller size to learn it
/// where the larger does: boundary(smaller) / boundary(larger), with the interval from the bootstrap.</summary>
public sealed record SizeFactor(string Kind, long Smaller, long Larger, double? Factor, double? Low, double? High, string Status);

/// <summary>
/// The learnability boundary from trained sweeps (paper Fig 5 read as advice). Per (task kind, size):
/// the seed-mean test accuracy at each tested frequency; the boundary is where that mean crosses the
/// target, linearly in log-frequency between the two tested frequencies around the crossing, the upper
/// one being the rarest tested frequency from which every more frequent one is learned (a
/// logistic fit needs more frequencies than a sweep usually has, and with perfectly separated seeds
/// its slope diverges; interpolation uses exactly what was measured). The interval resamples seeds
/// with replacement at each frequency (2,000 bootstrap draws, fixed seed) and takes the 2.5% and
/// 97.5% quantiles of the boundary; a side where more than 2.5% of draws fall outside the tested
/// range is open (null).
/// </summary>
public static class EmpiricalAdvisor
{
    public const int Draws = 2000;

    public static IReadOnlyList<Boundary> Boundaries(IReadOnlyList<TaskOutcome> outcomes, double target)
    {
        var result = new List<Boundary>();
        foreach (var group in outcomes.GroupBy(o => (o.Kind, o.Parameters)).OrderBy(g => g.Key.Kind).ThenBy(g => g.Key.Parameters))
        {
            var byFrequency = ByFrequency(group);
            // The runs averaged at each frequency (the fewest over the frequencies): seeds, and any runs trained otherwise that
            // the pooling warning names, as the mean and the bootstrap count them.
            int seeds = byFrequency.Min(f => f.Accuracies.Length);
            var means = byFrequency.Select(f => (f.Frequency, Mean: f.Accuracies.Average())).ToList();
            var (rarest, boundary, side) = Estimate(means, target);
            // Not learned at a tested frequency above one that is: the means are not monotone in frequency, and the
            // boundary is placed below the rarest tested frequency from which every more frequent one is learned.
            var gaps = rarest is { } r ? means.Where(m => m.Frequency > r && m.Mean < target).Select(m => m.Frequency).ToList() : [];
            string status = Status(new StatusFacts(means, seeds, side, rarest, gaps));
            double? low = null, high = null;
            if (side == 0 && seeds >= 2)
            {
                var draws = Bootstrap(byFrequency, target);
                (low, high) = Interval(draws);
            }
            result.Add(new Boundary(group.Key.Kind, group.Key.Parameters, seeds, byFrequency.Count, rarest,
                side == 0 ? boundary : null, low, high, status)
            {
                LearnsFrom = side == 0 ? boundary : side < 0 && byFrequency.Count >= 2 ? rarest : null,
            });
        }
        return result;
    }

    /// <summary>What a size's status rests on: the seed means by frequency (ascending), the number of seeds, where the
    /// boundary lies (<see cref="Estimate"/>'s side), the rarest learned tested frequency, and the tested frequencies
    /// above that one which miss the target.</summary>
    sealed record StatusFacts(IReadOnlyList<(double Frequency, double Mean)> Means, int Seeds, int Side, double? Rarest,
        IReadOnlyList<double> Gaps)
    {
        public bool TooFewFrequencies => Means.Count < 2;
        public bool LearnedEverywhere => Side < 0;
        public bool MostFrequentMissed => Side > 0;
        public bool NotMonotone => Gaps.Count > 0;
        public bool OneSeed => Seeds < 2;
    }

    /// <summary>A size's status: the first case that holds, what the data cannot place before the caveats of a placed
    /// boundary. The most frequent missed with no gaps means no tested frequency was learned at all.</summary>
    static string Status(StatusFacts f) => f switch
    {
        { TooFewFrequencies: true } => "too few frequencies: test at least two around the boundary",
        { LearnedEverywhere: true } => $"learned at every tested frequency: the boundary is below {f.Means[0].Frequency:G3}; test rarer ones",
        { MostFrequentMissed: true, NotMonotone: false } =>
            $"learned at no tested frequency: the boundary is above {f.Means[^1].Frequency:G3}; test more frequent ones",
        { MostFrequentMissed: true } => NotMonotoneText(f) + $"the most frequent tested ({f.Means[^1].Frequency:G3}) is not learned either, " +
            "so no boundary (the rarest tested frequency from which every more frequent one is learned) can be placed; " +
            "train more seeds or test more frequent ones",
        { NotMonotone: true } => NotMonotoneText(f) + $"the boundary is the crossing below {f.Means.First(m => m.Frequency > f.Gaps[^1]).Frequency:G3}, " +
            "the rarest tested frequency from which every more frequent one is learned" + (f.OneSeed ? "; " + OneSeedText : ""),
        { OneSeed: true } => OneSeedText,
        _ => "ok",
    };

    const string OneSeedText = "one seed: no interval; train more seeds";

    static string NotMonotoneText(StatusFacts f) =>
        $"not monotone: not learned at {string.Join(", ", f.Gaps.Select(g => g.ToString("G3")))} although learned at {f.Rarest:G3}; ";

    /// <summary>For each pair of sizes of a kind: the frequency factor that substitutes for the size step.</summary>
    public static IReadOnlyList<SizeFactor> Factors(IReadOnlyList<TaskOutcome> outcomes, IReadOnlyList<Boundary> boundaries, double target)
    {
        var result = new List<SizeFactor>();
        foreach (var kind in boundaries.GroupBy(b => b.Kind))
        {
            var sizes = kind.OrderBy(b => b.Parameters).ToList();
            for (int i = 0; i + 1 < sizes.Count; i++)
            {
                var (small, large) = (sizes[i], sizes[i + 1]);
                if (small.BoundaryFrequency is not { } fs || large.BoundaryFrequency is not { } fl)
                {
                    result.Add(new SizeFactor(kind.Key, small.Parameters, large.Parameters, null, null, null,
                        "a boundary is outside the tested frequencies (see advice_boundaries)"));
                    continue;
                }
                // The interval from paired bootstrap draws of the two sizes' boundaries.
                var a = Bootstrap(Frequencies(outcomes, kind.Key, small.Parameters), target, seed: 1);
                var b = Bootstrap(Frequencies(outcomes, kind.Key, large.Parameters), target, seed: 2);
                var ratios = a.Zip(b, (x, y) => x / y).ToArray();
                bool oneSeed = small.Seeds < 2 || large.Seeds < 2;
                // One seed resamples to itself: every draw is the factor, an interval of zero width that says nothing.
                var (low, high) = oneSeed ? (null, null) : Interval(ratios);
                var notMonotone = new[] { small, large }.Where(b => b.Status.StartsWith("not monotone", StringComparison.Ordinal))
                    .Select(b => b.Parameters.ToString("N0")).ToList();
                result.Add(new SizeFactor(kind.Key, small.Parameters, large.Parameters, fs / fl, low, high,
                    string.Join("; ", new[]
                    {
                        oneSeed ? "one seed: no interval" : "",
                        notMonotone.Count > 0 ? $"not monotone at {string.Join(" and ", notMonotone)} parameters (see advice_boundaries)" : "",
                    }.Where(x => x != "").DefaultIfEmpty("ok"))));
            }
        }
        return result;
    }

    static List<(double Frequency, double[] Accuracies)> Frequencies(IReadOnlyList<TaskOutcome> outcomes, string kind, long parameters) =>
        ByFrequency(outcomes.Where(o => o.Kind == kind && o.Parameters == parameters));

    /// <summary>One size's outcomes as (frequency ascending, the seeds' accuracies).</summary>
    static List<(double Frequency, double[] Accuracies)> ByFrequency(IEnumerable<TaskOutcome> outcomes) =>
        [.. outcomes.GroupBy(o => o.Frequency).OrderBy(g => g.Key).Select(g => (g.Key, g.Select(o => o.Accuracy).ToArray()))];

    /// <summary>
    /// From (frequency ascending, mean accuracy): the rarest tested frequency at or above the target (as the pipelines'
    /// rarest_learned tables count it), the boundary and where it lies. The boundary is the log-linear crossing of the
    /// target between the rarest tested frequency from which every more frequent tested one is learned and the next
    /// rarer one (for means rising with frequency, simply the crossing; where they are not monotone, the crossing
    /// below the last unlearned frequency). Side: −1 below the tested range (every tested frequency is learned),
    /// +1 above it (the most frequent is not learned), 0 inside.
    /// </summary>
    public static (double? RarestLearned, double Boundary, int Side) Estimate(IReadOnlyList<(double Frequency, double Mean)> points, double target)
    {
        int first = -1;
        for (int i = 0; i < points.Count; i++) if (points[i].Mean >= target) { first = i; break; }
        double? rarest = first < 0 ? null : points[first].Frequency;
        int j = points.Count;
        while (j > 0 && points[j - 1].Mean >= target) j--;
        if (j == points.Count) return (rarest, double.PositiveInfinity, +1);
        if (j == 0) return (rarest, points[0].Frequency, -1);
        var (f0, a0) = points[j - 1];
        var (f1, a1) = points[j];
        double t = (target - a0) / (a1 - a0);
        double log = Math.Log10(f0) + t * (Math.Log10(f1) - Math.Log10(f0));
        return (rarest, Math.Pow(10, log), 0);
    }

    /// <summary>Boundaries of resampled seed sets; a draw outside the tested range is ±infinity.</summary>
    static double[] Bootstrap(List<(double Frequency, double[] Accuracies)> data, double target, int seed = 0)
    {
        var rng = new Random(12345 + seed);
        var draws = new double[Draws];
        for (int d = 0; d < Draws; d++)
        {
            var points = data.Select(f => (f.Frequency, Enumerable.Range(0, f.Accuracies.Length).Average(_ => f.Accuracies[rng.Next(f.Accuracies.Length)]))).ToList();
            var (_, boundary, side) = Estimate(points, target);
            draws[d] = side switch { < 0 => 0, > 0 => double.PositiveInfinity, _ => boundary };
        }
        return draws;
    }

    static (double? Low, double? High) Interval(double[] draws)
    {
        var sorted = draws.Order().ToArray();
        double Q(double p) => sorted[(int)Math.Clamp(Math.Round(p * (sorted.Length - 1)), 0, sorted.Length - 1)];
        double low = Q(0.025), high = Q(0.975);
        return (low > 0 && double.IsFinite(low) ? low : null, double.IsFinite(high) && high > 0 ? high : null);
    }
}

/// <summary>The two levers for a task kind at a model size and frequency: the frequency the size needs, with the
/// extra task instances over the run's tokens, and the smallest larger size that learns it at that frequency,
/// with the extra training compute 6·ΔN·D.</summary>
public sealed record LeverAdvice(string Kind, long Parameters, double Frequency, double? FrequencyNeeded, double? ExtraInstances,
    long? LargerSize, double? ExtraFlops, string Advice);

public static class Levers
{
    /// <summary>Compares raising the frequency with growing the model, from the boundaries.</summary>
    public static LeverAdvice For(IReadOnlyList<Boundary> boundaries, IReadOnlyList<TaskOutcome> outcomes, string kind, long parameters, double frequency)
    {
        var own = boundaries.FirstOrDefault(b => b.Kind == kind && b.Parameters == parameters)
            ?? throw new ArgumentException(boundaries.Any(b => b.Kind == kind)
                ? $"no {kind} runs of a {parameters:N0}-parameter model in the sweeps; sizes there: " +
                    string.Join(", ", boundaries.Where(b => b.Kind == kind).Select(b => b.Parameters.ToString("N0")))
                : $"no {kind} runs in the sweeps; kinds there: " + string.Join(", ", boundaries.Select(b => b.Kind).Distinct()));
        double tokens = outcomes.Where(o => o.Kind == kind && o.Parameters == parameters).Select(o => o.Tokens).DefaultIfEmpty(0).Max();
        var larger = boundaries.Where(b => b.Kind == kind && b.Parameters > parameters && b.LearnsFrom <= frequency)
            .OrderBy(b => b.Parameters).FirstOrDefault();
        double? flops = larger is null ? null : 6.0 * (larger.Parameters - parameters) * tokens;
        if (own.LearnsFrom is { } from && from <= frequency)
            return new LeverAdvice(kind, parameters, frequency, from, 0, null, null,
                $"already learnable: a {parameters:N0}-parameter model learns {kind} at {frequency:G3} (boundary {from:G3})");
        if (own.BoundaryFrequency is not { } f2)
            return new LeverAdvice(kind, parameters, frequency, null, null, larger?.Parameters, flops,
                $"cannot advise the frequency: {own.Status}" + (larger is null ? "" : $"; growing to {larger.Parameters:N0} parameters learns it (+{flops:G3} FLOPs)"));
        double extra = (f2 - frequency) * tokens;
        var sizeText = larger is null ? "no tested larger size learns it at this frequency"
            : $"growing to {larger.Parameters:N0} parameters learns it at {frequency:G3} for +{flops:G3} training FLOPs (6·ΔN·D at {tokens:G3} tokens)";
        return new LeverAdvice(kind, parameters, frequency, f2, extra, larger?.Parameters, flops,
            $"raise the frequency {f2 / frequency:G3}x to {f2:G3} (+{extra:G3} task instances in the run's {tokens:G3} tokens, " +
            $"replacing {4 * extra:G3} text tokens; no extra compute) — cheaper than the model: {sizeText}");
    }
}
