using Retention.Training;
using static TorchSharp.torch;

namespace Retention.Tests.Training;

/// <summary>The multi-tensor gradient kernels against hand-computed values and the per-tensor arithmetic.</summary>
public class GradientListsTests
{
    [Fact]
    public void NormIsTheSquareRootOfAllSquaresAcrossDtypes()
    {
        using var scope = NewDisposeScope();
        // 3² + 4² + 12² = 169 → 13; one float64 gradient makes a second dtype group.
        Tensor[] grads = [tensor(new[] { 3f, 4f }), tensor(new[] { 12.0 })];
        var norm = GradientLists.Norm(grads);
        Assert.Equal(ScalarType.Float64, norm.dtype);
        Assert.Equal(13.0, norm.item<double>(), 12);
    }

    [Fact]
    public void NormOfNoGradientsIsZero()
    {
        using var scope = NewDisposeScope();
        Assert.Equal(0.0, GradientLists.Norm([]).item<double>());
    }

    [Fact]
    public void NormEqualsThePerTensorSumOverManyShapes()
    {
        using var scope = NewDisposeScope();
        var g = new Generator(7);
        Tensor[] grads = [randn(64, 48, generator: g), randn(1000, generator: g).mul(1e-3), randn(3, 5, 7, generator: g).mul(50), randn(1, generator: g)];
        double expected = Math.Sqrt(grads.Sum(t => t.to(float64).square().sum().item<double>()));
        Assert.Equal(expected, GradientLists.Norm(grads).item<double>(), expected * 1e-6);
    }

    [Theory]
    [InlineData(1.3, 1.3 / (13 + 1e-6))]   // below the norm: scaled to the clip
    [InlineData(100.0, 1.0)]              // above it: the coefficient stays 1
    public void ClipScalesEveryGradientByTheClampedCoefficient(double maxNorm, double coefficient)
    {
        using var scope = NewDisposeScope();
        Tensor[] grads = [tensor(new[] { 3f, 4f }), tensor(new[] { 12f })];
        GradientLists.Clip(grads, tensor(13.0, dtype: float64), maxNorm);
        Assert.Equal(3 * coefficient, grads[0][0].item<float>(), 1e-6);
        Assert.Equal(4 * coefficient, grads[0][1].item<float>(), 1e-6);
        Assert.Equal(12 * coefficient, grads[1][0].item<float>(), 1e-5);
    }

    [Fact]
    public void ClippedGradientsHaveTheClipAsTheirNorm()
    {
        using var scope = NewDisposeScope();
        var g = new Generator(3);
        Tensor[] grads = [randn(20, 10, generator: g), randn(30, generator: g)];
        var norm = GradientLists.Norm(grads);
        Assert.True(norm.item<double>() > 2, "the test needs a norm above the clip");
        GradientLists.Clip(grads, norm, 0.5);
        Assert.Equal(0.5, GradientLists.Norm(grads).item<double>(), 1e-5);
    }

    [Fact]
    public void ZeroClearsEveryGradient()
    {
        using var scope = NewDisposeScope();
        Tensor[] grads = [ones(4, 3), ones(2, dtype: float64).mul(5)];
        GradientLists.Zero(grads);
        Assert.All(grads, t => Assert.Equal(0.0, t.abs().sum().to(float64).item<double>()));
    }
}
