using Retention.Spec;
using Retention.Synthetic;
using Retention.Theory;

namespace Retention.Tests.Theory;

public class CriticalWidthTests
{
    // K = 2 mixture tasks, d = 2, beta = 1, alpha = 1, rare pi_r = 0.1, lambda_r = 1, rank one.
    // Mixture frequencies: 0.9·(2/3, 1/3) = (0.6, 0.3); spectra (1, 1/2).
    // Frequent utilities: 0.6, 0.3, 0.3, 0.15. Rare utility: 0.1·1 = 0.1 → N_crit = 5 (beyond all four).
    static TaskMixture Mixture(double pi, double lambda, int frequent = 0) => TaskMixture.From(new SyntheticSpec
    {
        Tasks = 2, DimsPerTask = 2, FrequencyExponent = 1, SpectrumExponent = 1, FrequentTasks = frequent,
        Rare = new RareSpec { Frequency = pi, Lambda = lambda, RankOne = true },
    }, 0);

    [Fact]
    public void RareTaskIsAnExtraRankOneBlock()
    {
        var m = Mixture(0.1, 1);
        Assert.Equal(3, m.Tasks);
        Assert.Equal(2, m.RareTask);
        Assert.Equal([0.6, 0.3, 0.1], m.Frequencies, new ToleranceComparer(1e-12));
        Assert.Equal([1.0, 0.0], m.Spectra[2]);
        Assert.Equal([2.0 / 3, 1.0 / 3], m.RowFrequencies, new ToleranceComparer(1e-12));
    }

    [Theory]
    [InlineData(0.1, 1.0, 5)]      // 0.1 below every frequent utility
    [InlineData(0.1, 2.0, 4)]      // 0.2: above 0.15 only
    [InlineData(0.1, 3.5, 2)]      // 0.35: above 0.3, 0.3, 0.15
    [InlineData(0.1, 7.0, 1)]      // 0.7: above everything
    public void CriticalWidthCountsFrequentUtilitiesAboveTheRareOne(double pi, double lambda, int expected)
    {
        Assert.Equal(expected, CriticalWidth.Of(Mixture(pi, lambda)));
    }

    [Fact]
    public void OnlyTheFrequentSetCounts()
    {
        // F = task 0 only: utilities 0.6, 0.3; rare 0.1 → N_crit = 3.
        Assert.Equal(3, CriticalWidth.Of(Mixture(0.1, 1, frequent: 1)));
        Assert.Equal(0.6, CriticalWidth.TopFrequentEigenvalue(Mixture(0.1, 1, frequent: 1)), 12);
    }
}
