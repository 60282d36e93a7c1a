using Retention.Synthetic;

namespace Retention.Theory;

/// <summary>One feature (eigen-direction) of the mixture: task k's j-th direction, with
/// variance lambda_kj and utility u_kj = pi_k·lambda_kj, ranked 1.. by descending utility.</summary>
public sealed record FeatureUtility(int Task, int Feature, double Lambda, double Utility, int Rank);

/// <summary>Per-task prediction for one width N.</summary>
public sealed record TaskFloor(int Task, double Frequency, double Trace, int Retained, double LossFloor, double SignalFloor);

/// <summary>
/// The capacity theory of paper-spec Part 1. M = Σ_k pi_k C_k is block diagonal with
/// eigenvalues u_kj = pi_k·lambda_kj, so its top-N eigenspace is the N features of largest
/// utility. Ties are broken by (task, feature) ascending, which is what "a" minimiser picks
/// among equals; near ties make training slow to choose, not the theory ambiguous.
/// </summary>
public static class MixtureTheory
{
    /// <summary>All K·d features ranked by utility (rank 1 = largest).</summary>
    public static IReadOnlyList<FeatureUtility> RankedUtilities(TaskMixture m)
    {
        var features = new List<(int Task, int Feature, double Lambda, double Utility)>();
        for (int k = 0; k < m.Tasks; k++)
            for (int j = 0; j < m.DimsPerTask; j++)
                features.Add((k, j, m.Spectra[k][j], m.Frequencies[k] * m.Spectra[k][j]));
        return features
            .OrderByDescending(f => f.Utility).ThenBy(f => f.Task).ThenBy(f => f.Feature)
            .Select((f, i) => new FeatureUtility(f.Task, f.Feature, f.Lambda, f.Utility, i + 1))
            .ToList();
    }

    /// <summary>n_k(N): how many of task k's features are in the top-N eigenspace of M.</summary>
    public static int[] RetainedCounts(TaskMixture m, int width)
    {
        var counts = new int[m.Tasks];
        foreach (var f in RankedUtilities(m).Take(width)) counts[f.Task]++;
        return counts;
    }

    /// <summary>l*_k(N) = Σ_{j > n_k(N)} lambda_kj, with the spectrum sorted descending.</summary>
    public static double LossFloor(double[] spectrum, int retained) =>
        spectrum.OrderByDescending(l => l).Skip(retained).Sum();

    public static IReadOnlyList<TaskFloor> Floors(TaskMixture m, int width)
    {
        var n = RetainedCounts(m, width);
        return Enumerable.Range(0, m.Tasks).Select(k =>
        {
            double trace = m.Trace(k), floor = LossFloor(m.Spectra[k], n[k]);
            return new TaskFloor(k, m.Frequencies[k], trace, n[k], floor, 1 - floor / trace);
        }).ToList();
    }

    /// <summary>The mixture loss of the optimal width-N encoder: tr(M) − Σ top-N eigenvalues.</summary>
    public static double MixtureLossFloor(TaskMixture m, int width)
    {
        var ranked = RankedUtilities(m);
        return ranked.Skip(width).Sum(f => f.Utility);
    }
}
