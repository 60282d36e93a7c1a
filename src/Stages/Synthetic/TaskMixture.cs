using Retention.Spec;

namespace Retention.Synthetic;

/// <summary>
/// The synthetic task mixture of paper-spec Part 1, as plain numbers: K tasks in orthogonal
/// blocks of d coordinates (D = K·d), frequencies pi_k ∝ k^(-beta), spectra
/// lambda_kj = scale·j^(-alpha), and per-task rotations R_k (d × d, row-major) so that
/// B_k = E_k R_k where E_k embeds block k. C_k = B_k Λ_k B_k^T.
/// With a rare task, it is task K (an extra block): the K mixture tasks share 1 − pi_r by
/// the power law and the rare task has pi_r, so Frequencies are overall sample fractions.
/// </summary>
public sealed record TaskMixture(
    int Tasks,
    int DimsPerTask,
    double[] Frequencies,
    double[][] Spectra,
    double[][] Rotations,
    int MixtureTasks,
    int FrequentTasks)
{
    public int InputDims => Tasks * DimsPerTask;

    /// <summary>Index of the rare task, or -1.</summary>
    public int RareTask => Tasks > MixtureTasks ? MixtureTasks : -1;

    /// <summary>Whether task k is in the frequent set F.</summary>
    public bool IsFrequent(int task) => task < FrequentTasks;

    /// <summary>The mixture tasks' sampling probabilities for ordinary batch rows (sum to 1).</summary>
    public double[] RowFrequencies
    {
        get
        {
            var p = Frequencies.Take(MixtureTasks).ToArray();
            double z = p.Sum();
            return p.Select(v => v / z).ToArray();
        }
    }

    /// <summary>tr(C_k) = Σ_j lambda_kj: the loss of predicting zero for task k.</summary>
    public double Trace(int task) => Spectra[task].Sum();

    public static TaskMixture From(SyntheticSpec spec, int seed)
    {
        int k = spec.Tasks, d = spec.DimsPerTask;
        double rareShare = spec.Rare?.Frequency ?? 0;
        var raw = Enumerable.Range(1, k).Select(i => Math.Pow(i, -spec.FrequencyExponent)).ToArray();
        double z = raw.Sum();
        var pi = raw.Select(r => (1 - rareShare) * r / z).ToList();
        var spectrum = Enumerable.Range(1, d).Select(j => spec.SpectrumScale * Math.Pow(j, -spec.SpectrumExponent)).ToArray();
        var spectra = Enumerable.Range(0, k).Select(_ => (double[])spectrum.Clone()).ToList();
        if (spec.Rare is { } rare)
        {
            pi.Add(rare.Frequency);
            spectra.Add(rare.RankOne
                ? Enumerable.Range(0, d).Select(j => j == 0 ? rare.Lambda : 0.0).ToArray()
                : spectrum.Select(l => rare.Lambda * l / spectrum[0]).ToArray());
        }
        int tasks = pi.Count;
        var rotations = spec.Basis == "random"
            ? RandomRotations(tasks, d, seed)
            : Enumerable.Range(0, tasks).Select(_ => Identity(d)).ToArray();
        return new TaskMixture(tasks, d, [.. pi], [.. spectra], rotations, k,
            spec.FrequentTasks == 0 ? k : spec.FrequentTasks);
    }

    static double[] Identity(int d)
    {
        var m = new double[d * d];
        for (int i = 0; i < d; i++) m[i * d + i] = 1;
        return m;
    }

    // Haar-random orthogonal matrices from the QR of a Gaussian matrix (sign-corrected).
    static double[][] RandomRotations(int k, int d, int seed)
    {
        var rng = new Random(unchecked(seed * 7919 + 17));
        var result = new double[k][];
        for (int t = 0; t < k; t++)
        {
            var g = MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.Dense(d, d,
                (_, _) => Gaussian(rng));
            var qr = g.QR();
            var q = qr.Q;
            var r = qr.R;
            var m = new double[d * d];
            for (int i = 0; i < d; i++)
                for (int j = 0; j < d; j++)
                    m[i * d + j] = q[i, j] * Math.Sign(r[j, j] == 0 ? 1 : r[j, j]);
            result[t] = m;
        }
        return result;
    }

    static double Gaussian(Random rng)
    {
        double u1 = 1.0 - rng.NextDouble(), u2 = rng.NextDouble();
        return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }
}
