using Retention.Training;
using static TorchSharp.torch;

namespace Retention.Probes;

/// <summary>Energy per frequency of p rows (k = 0 is the constant), the key frequencies and their share of the total.</summary>
public sealed record FourierSpectrum(int Modulus, IReadOnlyList<double> Energy, IReadOnlyList<int> KeyFrequencies, double KeyShare);

/// <summary>Cross-entropies of modular-addition logits kept to, or stripped of, the key frequencies.</summary>
public sealed record FourierLosses(double Full, double Restricted, double Excluded);

/// <summary>
/// The Fourier readout of modular addition (Nanda et al. 2023, "Progress measures for grokking"):
/// p residue rows (token embeddings, or the residual stream at a residue position) expressed in
/// the p×p orthonormal Fourier basis — 1/√p, then √(2/p)·cos(2πkx/p) and √(2/p)·sin(2πkx/p) for
/// k = 1..(p−1)/2 — and the energy of each frequency, ‖F_cos,k‖² + ‖F_sin,k‖². The key frequencies
/// are the few with the most energy (k ≥ 1); their share of the rows' non-constant energy (k ≥ 1) is
/// the feature strength. Pure functions of tensors, in float64.
/// </summary>
public static class FourierReadout
{
    /// <summary>The orthonormal basis, (p, p) float64: row 0 constant, rows 2k−1 and 2k the cosine and sine of frequency k.</summary>
    public static Tensor Basis(int p)
    {
        if (p < 3 || p % 2 == 0) throw new ArgumentException($"the modulus must be odd and at least 3, got {p}");
        var b = new double[p * p];
        for (int x = 0; x < p; x++) b[x] = 1 / Math.Sqrt(p);
        for (int k = 1; k <= (p - 1) / 2; k++)
            for (int x = 0; x < p; x++)
            {
                double angle = 2 * Math.PI * k * x / p;
                b[(2 * k - 1) * p + x] = Math.Sqrt(2.0 / p) * Math.Cos(angle);
                b[2 * k * p + x] = Math.Sqrt(2.0 / p) * Math.Sin(angle);
            }
        return tensor(b, [p, p], ScalarType.Float64);
    }

    /// <summary>The spectrum of <paramref name="rows"/> (p, d): row x belongs to residue x.</summary>
    public static FourierSpectrum Spectrum(Tensor rows, int keyCount)
    {
        using var scope = NewDisposeScope();
        int p = (int)rows.shape[0];
        var f = Basis(p).matmul(rows.to(ScalarType.Float64).cpu());                      // (p, d)
        var perRow = f.Squared().sum([1]).data<double>().ToArray();                         // energy of each basis row
        var energy = new double[(p - 1) / 2 + 1];
        energy[0] = perRow[0];
        for (int k = 1; k < energy.Length; k++) energy[k] = perRow[2 * k - 1] + perRow[2 * k];
        var keys = Enumerable.Range(1, energy.Length - 1).OrderByDescending(k => energy[k]).ThenBy(k => k)
            .Take(Math.Clamp(keyCount, 0, energy.Length - 1)).Order().ToArray();
        // The constant (k = 0) is left out of the total: in the residual stream the mean over residues
        // (what every residue shares) dwarfs the rest and would hide any structure among them.
        double total = energy.Skip(1).Sum();
        return new FourierSpectrum(p, energy, keys, total > 0 ? keys.Sum(k => energy[k]) / total : 0);
    }

    /// <summary>
    /// For logits L[a, b, c] (p, p, p) of the residue c after a and b: the full cross-entropy, the
    /// restricted one (L kept to its mean over (a, b) plus its components along cos and sin of
    /// w_k(a+b) for the key frequencies, per output c) on <paramref name="restrictedOn"/>, and the
    /// excluded one (L minus those components) on <paramref name="excludedOn"/>. The paper measures
    /// restricted loss on the test split and excluded loss on the train split.
    /// </summary>
    public static FourierLosses Losses(Tensor logits, IReadOnlyList<int> keys,
        IReadOnlyList<(int A, int B)> restrictedOn, IReadOnlyList<(int A, int B)> excludedOn)
    {
        using var scope = NewDisposeScope();
        int p = (int)logits.shape[0];
        var l = logits.to(ScalarType.Float64).cpu().reshape(p * p, p);                  // (p², p): row a·p + b
        var directions = SumDirections(p, keys);                                          // (p², 2K)
        var projection = directions.matmul(directions.T.matmul(l).div(directions.Squared().sum([0]).unsqueeze(1)));
        var restricted = l.mean([0], keepdim: true).Plus(projection);   // Plus: see SafeArithmetic
        var excluded = l.sub(projection);
        var all = Enumerable.Range(0, p * p).Select(i => (i / p, i % p)).ToList();
        return new FourierLosses(CrossEntropy(l, all, p), CrossEntropy(restricted, restrictedOn, p), CrossEntropy(excluded, excludedOn, p));
    }

    /// <summary>cos and sin of w_k(a+b) over the (a, b) grid, one column each per key frequency: (p², 2K).</summary>
    static Tensor SumDirections(int p, IReadOnlyList<int> keys)
    {
        var d = new double[p * p * 2 * keys.Count];
        for (int a = 0; a < p; a++)
            for (int b = 0; b < p; b++)
                for (int i = 0; i < keys.Count; i++)
                {
                    double angle = 2 * Math.PI * keys[i] * ((a + b) % p) / p;
                    d[((a * p + b) * keys.Count + i) * 2] = Math.Cos(angle);
                    d[((a * p + b) * keys.Count + i) * 2 + 1] = Math.Sin(angle);
                }
        return tensor(d, [p * p, 2 * keys.Count], ScalarType.Float64);
    }

    /// <summary>Mean cross-entropy of the rows (a, b) of (p², p) logits against c = (a + b) mod p.</summary>
    static double CrossEntropy(Tensor logits, IReadOnlyList<(int A, int B)> pairs, int p)
    {
        if (pairs.Count == 0) return double.NaN;
        var index = tensor(pairs.Select(x => (long)(x.A * p + x.B)).ToArray());
        var target = tensor(pairs.Select(x => (long)((x.A + x.B) % p)).ToArray());
        return nn.functional.cross_entropy(logits.index_select(0, index), target).item<double>();
    }
}
