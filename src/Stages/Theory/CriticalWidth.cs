using Retention.Synthetic;

namespace Retention.Theory;

/// <summary>
/// The interference side of the theory (paper-spec Part 1). M_F = Σ_{k∈F} pi_k C_k is block
/// diagonal, so its eigenvalues are the utilities u_kj = pi_k·lambda_kj of the frequent tasks.
/// </summary>
public static class CriticalWidth
{
    /// <summary>Eigenvalues of M_F, descending (mu_1 ≥ mu_2 ≥ ...).</summary>
    public static double[] FrequentEigenvalues(TaskMixture m) =>
        Enumerable.Range(0, m.Tasks).Where(m.IsFrequent)
            .SelectMany(k => m.Spectra[k].Select(l => m.Frequencies[k] * l))
            .OrderByDescending(u => u).ToArray();

    /// <summary>lambda_1(M_F): the largest frequent utility.</summary>
    public static double TopFrequentEigenvalue(TaskMixture m) => FrequentEigenvalues(m).DefaultIfEmpty(0).First();

    /// <summary>
    /// N_crit = min{N : mu_N(M_F) ≤ pi_r·lambda_r} for the rare task's top feature: the first
    /// width at which the rare feature outranks every frequent feature not yet explained.
    /// Beyond the D eigenvalues mu_N = 0, so it is at most |F|·d + 1.
    /// </summary>
    public static int Of(TaskMixture m)
    {
        if (m.RareTask < 0) throw new InvalidOperationException("the mixture has no rare task");
        double threshold = m.Frequencies[m.RareTask] * m.Spectra[m.RareTask].Max();
        var mu = FrequentEigenvalues(m);
        return mu.Count(u => u > threshold) + 1;
    }
}
