using Retention.Synthetic;
using static TorchSharp.torch;

namespace Retention.Tests.Synthetic;

/// <summary>A cell's input stream depends on its seed alone, never on the cells beside it.</summary>
public class CellInputsTests
{
    [Fact]
    public void ACellsStreamDoesNotDependOnItsNeighbours()
    {
        using var scope = NewDisposeScope();
        using var alone = new CellInputs([3], 8, CPU);
        using var grouped = new CellInputs([5, 3, 7], 8, CPU);
        for (long s = 1; s <= 6; s++)
            Assert.True(alone.Next(16, s)[0].eq(grouped.Next(16, s)[1]).all().item<bool>(), $"step {s}");
    }

    [Fact]
    public void CellsWithOneSeedShareTheirDrawAndStepsDiffer()
    {
        using var scope = NewDisposeScope();
        using var inputs = new CellInputs([1, 2, 1], 4, CPU);
        var x = inputs.Next(8, 1);
        Assert.Equal([3L, 8, 4], x.shape);
        Assert.True(x[0].eq(x[2]).all().item<bool>());
        Assert.False(x[0].eq(x[1]).all().item<bool>());
        Assert.False(x[0].eq(inputs.Next(8, 2)[0]).all().item<bool>());
    }

    [Fact]
    public void StepsMustIncrease()
    {
        using var scope = NewDisposeScope();
        using var inputs = new CellInputs([0], 4, CPU);
        inputs.Next(2, 5);
        Assert.Throws<ArgumentException>(() => inputs.Next(2, 5));
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
        var lag = (draws[..^1] * draws[1..]).mean().item<float>();
        Assert.InRange(lag, -0.006, 0.006);
    }

    [Fact]
    public void CudaStepSeedsAreDistinctNonNegativeAndUseMoreThan32Bits()
    {
        var seeds = (from seed in Enumerable.Range(0, 50) from step in Enumerable.Range(0, 200) select CellInputs.StepSeed(seed, step)).ToList();
        Assert.Equal(seeds.Count, seeds.Distinct().Count());
        Assert.All(seeds, s => Assert.True(s >= 0));
        Assert.Contains(seeds, s => s > uint.MaxValue);
        // Distinct even in their low 32 bits here (a generator that kept only those would still differ).
        Assert.Equal(seeds.Count, seeds.Select(s => (uint)s).Distinct().Count());
    }
}
