using Retention.Synthetic;
using static TorchSharp.torch;

namespace Retention.Tests.Synthetic;

/// <summary>The synthetic input stream is a pure function of (seed, step): the property that lets
/// CUDA runs (which cannot own per-cell generators) match solo runs cell by cell.</summary>
public class CellInputsTests
{
    [Fact]
    public void DrawDependsOnlyOnSeedAndStep()
    {
        using var scope = NewDisposeScope();
        using var a = new CellInputs([3], 8, CPU);
        using var b = new CellInputs([5, 3], 8, CPU);
        for (long s = 1; s <= 4; s++) a.Next(16, s);          // a has drawn earlier steps, b has not
        var fromA = a.Next(16, 7)[0];
        var fromB = b.Next(16, 7)[1];                          // seed 3 is b's second cell
        Assert.True(fromA.eq(fromB).all().item<bool>());
        Assert.False(fromA.eq(a.Next(16, 8)[0]).all().item<bool>());
        Assert.False(fromB.eq(b.Next(16, 7)[0]).all().item<bool>());
    }

    [Fact]
    public void CellsWithOneSeedShareTheirDraw()
    {
        using var scope = NewDisposeScope();
        using var inputs = new CellInputs([1, 2, 1], 4, CPU);
        var x = inputs.Next(8, 1);
        Assert.Equal([3L, 8, 4], x.shape);
        Assert.True(x[0].eq(x[2]).all().item<bool>());
        Assert.False(x[0].eq(x[1]).all().item<bool>());
    }

    [Fact]
    public void DrawsAreStandardNormalAndUncorrelatedAcrossSteps()
    {
        using var scope = NewDisposeScope();
        using var inputs = new CellInputs([0], 64, CPU);
        var draws = stack(Enumerable.Range(1, 200).Select(s => inputs.Next(64, s)[0].flatten()));   // (200, 4096)
        // 819,200 draws: the mean's standard error is 0.0011, the variance's 0.0016.
        Assert.InRange(draws.mean().item<float>(), -0.006, 0.006);
        Assert.InRange(draws.var().item<float>(), 0.99, 1.01);
        // Neighbouring steps (and seeds, via splitmix64) must not give correlated streams.
        var lag = (draws[..^1] * draws[1..]).mean().item<float>();
        Assert.InRange(lag, -0.006, 0.006);
    }

    [Fact]
    public void StepSeedsAreDistinctAndNonNegative()
    {
        var seeds = (from seed in Enumerable.Range(0, 50) from step in Enumerable.Range(0, 200) select CellInputs.StepSeed(seed, step)).ToList();
        Assert.Equal(seeds.Count, seeds.Distinct().Count());
        Assert.All(seeds, s => Assert.True(s >= 0));
    }
}
