using Retention.Probes;
using static TorchSharp.torch;

namespace Retention.Tests.Probes;

/// <summary>The planted answers of shared/docs/probes.md §2, through the project's own Fourier code.</summary>
public class FourierReadoutTests
{
    const int P = 113;
    static readonly int[] Planted = [14, 35, 41, 42, 52];

    [Fact]
    public void The_basis_is_orthonormal()
    {
        using var b = FourierReadout.Basis(P);
        using var identity = eye(P, dtype: ScalarType.Float64);
        Assert.True(b.matmul(b.T).sub(identity).abs().max().item<double>() < 1e-12);
    }

    [Fact]
    public void An_embedding_built_from_planted_frequencies_returns_exactly_those_with_almost_all_the_energy()
    {
        var generator = new Generator(7);
        // Each planted frequency writes cos and sin of 2πkx/p into its own random directions of d = 64, plus noise.
        var rows = zeros(P, 64, dtype: ScalarType.Float64);
        var x = arange(P, dtype: ScalarType.Float64);
        foreach (var k in Planted)
        {
            var angle = x.mul(2 * Math.PI * k / P);
            rows.add_(angle.cos().unsqueeze(1).matmul(randn(1, 64, dtype: ScalarType.Float64, generator: generator)));
            rows.add_(angle.sin().unsqueeze(1).matmul(randn(1, 64, dtype: ScalarType.Float64, generator: generator)));
        }
        rows.add_(randn(P, 64, dtype: ScalarType.Float64, generator: generator).mul(0.01));
        var spectrum = FourierReadout.Spectrum(rows, keyCount: 5);
        Assert.Equal(Planted, spectrum.KeyFrequencies);
        Assert.True(spectrum.KeyShare > 0.99, $"share {spectrum.KeyShare}");
        Assert.Equal(57, spectrum.Energy.Count);   // the constant and 56 frequencies
    }

    [Fact]
    public void A_random_embedding_has_a_top_five_share_near_the_measured_baseline_not_the_naive_one()
    {
        // probes.md: 0.109 for the top 5 of 56 at p = 113 (the naive 10/113 would be 0.088).
        var shares = Enumerable.Range(0, 20).Select(seed =>
            FourierReadout.Spectrum(randn(P, 64, dtype: ScalarType.Float64, generator: new Generator((ulong)seed)), 5).KeyShare).ToList();
        Assert.InRange(shares.Average(), 0.100, 0.120);
    }

    [Fact]
    public void The_share_leaves_out_the_constant_that_every_residue_shares()
    {
        // Rows with a large common offset and one planted frequency: the offset is energy at k = 0 only.
        var x = arange(P, dtype: ScalarType.Float64).mul(2 * Math.PI * 7 / P);
        var rows = cat([x.cos().unsqueeze(1), x.sin().unsqueeze(1), full(P, 1, 100.0, dtype: ScalarType.Float64)], 1);
        var spectrum = FourierReadout.Spectrum(rows, keyCount: 1);
        Assert.Equal([7], spectrum.KeyFrequencies);
        Assert.Equal(1.0, spectrum.KeyShare, 1e-9);
        Assert.Equal(100.0 * 100 * P, spectrum.Energy[0], 1e-6);
    }

    [Fact]
    public void Planted_logits_keep_the_full_loss_when_restricted_and_fall_to_log_p_when_excluded()
    {
        // L[a, b, c] = Σ_k cos(w_k (a + b − c)), the trained network's form.
        var a = arange(P, dtype: ScalarType.Float64).reshape(P, 1, 1);
        var b = arange(P, dtype: ScalarType.Float64).reshape(1, P, 1);
        var c = arange(P, dtype: ScalarType.Float64).reshape(1, 1, P);
        var logits = zeros(P, P, P, dtype: ScalarType.Float64);
        foreach (var k in Planted) logits.add_(a.add(b).sub(c).mul(2 * Math.PI * k / P).cos().mul(3.0));
        var pairs = Enumerable.Range(0, P * P).Select(i => (i / P, i % P)).ToList();
        var losses = FourierReadout.Losses(logits, Planted, pairs, pairs);
        Assert.Equal(losses.Full, losses.Restricted, 1e-9);
        Assert.Equal(Math.Log(P), losses.Excluded, 1e-9);
        Assert.True(losses.Full < Math.Log(P) - 1);   // the planted logits do predict (a + b) mod p
    }
}
