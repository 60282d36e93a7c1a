using Retention.Spec;
using Retention.Synthetic;
using Retention.Theory;

namespace Retention.Tests.Theory;

public class MixtureTheoryTests
{
    // K = 2, d = 2, beta = 1, alpha = 2: pi = (2/3, 1/3), lambda = (1, 1/4).
    // Utilities: (0,0) 2/3, (0,1) 1/6, (1,0) 1/3, (1,1) 1/12.
    static readonly TaskMixture Small = TaskMixture.From(
        new SyntheticSpec { Tasks = 2, DimsPerTask = 2, FrequencyExponent = 1, SpectrumExponent = 2 }, seed: 0);

    [Fact]
    public void FrequenciesAndSpectraFollowThePowerLaws()
    {
        Assert.Equal(2.0 / 3, Small.Frequencies[0], 12);
        Assert.Equal(1.0 / 3, Small.Frequencies[1], 12);
        Assert.Equal([1.0, 0.25], Small.Spectra[1]);
    }

    [Fact]
    public void FeaturesAreRankedByUtility()
    {
        var ranked = MixtureTheory.RankedUtilities(Small);
        Assert.Equal([(0, 0), (1, 0), (0, 1), (1, 1)], ranked.Select(f => (f.Task, f.Feature)));
        Assert.Equal([2.0 / 3, 1.0 / 3, 1.0 / 6, 1.0 / 12], ranked.Select(f => f.Utility), new ToleranceComparer(1e-12));
    }

    [Theory]
    [InlineData(0, 0, 0, 1.25, 1.25)]
    [InlineData(1, 1, 0, 0.25, 1.25)]
    [InlineData(2, 1, 1, 0.25, 0.25)]
    [InlineData(3, 2, 1, 0.0, 0.25)]
    [InlineData(4, 2, 2, 0.0, 0.0)]
    public void FloorsSumTheSpectrumBeyondTheRetainedFeatures(int width, int n0, int n1, double floor0, double floor1)
    {
        var floors = MixtureTheory.Floors(Small, width);
        Assert.Equal([n0, n1], floors.Select(f => f.Retained));
        Assert.Equal(floor0, floors[0].LossFloor, 12);
        Assert.Equal(floor1, floors[1].LossFloor, 12);
    }

    [Fact]
    public void MixtureFloorIsTraceOfMMinusTopEigenvalues()
    {
        // tr(M) = 2/3·1.25 + 1/3·1.25 = 1.25; minus the top eigenvalue 2/3.
        Assert.Equal(1.25 - 2.0 / 3, MixtureTheory.MixtureLossFloor(Small, 1), 12);
        // Equals Σ_k pi_k l*_k(N) for every width.
        for (int n = 0; n <= 4; n++)
        {
            var weighted = MixtureTheory.Floors(Small, n).Sum(f => f.Frequency * f.LossFloor);
            Assert.Equal(weighted, MixtureTheory.MixtureLossFloor(Small, n), 12);
        }
    }

    [Fact]
    public void RandomBasisRotationsAreOrthogonal()
    {
        var m = TaskMixture.From(new SyntheticSpec { Tasks = 3, DimsPerTask = 5, Basis = "random" }, seed: 4);
        foreach (var r in m.Rotations)
            for (int i = 0; i < 5; i++)
                for (int j = 0; j < 5; j++)
                {
                    double dot = Enumerable.Range(0, 5).Sum(t => r[t * 5 + i] * r[t * 5 + j]);
                    Assert.Equal(i == j ? 1 : 0, dot, 10);
                }
    }
}

public sealed class ToleranceComparer(double tolerance) : IEqualityComparer<double>
{
    public bool Equals(double a, double b) => Math.Abs(a - b) <= tolerance;
    public int GetHashCode(double x) => 0;
}
