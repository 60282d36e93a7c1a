using Retention.Spec;
using Retention.Synthetic;
using static TorchSharp.torch;

namespace Retention.Tests.Synthetic;

public class ExactMetricsTests
{
    [Theory]
    [InlineData("identity")]
    [InlineData("random")]
    public void ExactLossEqualsMonteCarloEstimate(string basis)
    {
        var syn = new SyntheticSpec { Tasks = 3, DimsPerTask = 4, Width = 5, Basis = basis };
        var m = TaskMixture.From(syn, 1);
        using var mix = new MixtureTensors(m, CPU);
        using var student = new StudentStack(3, 4, [5], 0.5, [new Generator(7)], CPU);   // one cell
        var exact = ExactMetrics.Compute(student.Encoder(0), student.Decoders(0), mix);

        using var _ = NewDisposeScope();
        using var noGrad = no_grad();
        const int n = 200_000;
        var gen = new Generator(11);
        for (int k = 0; k < 3; k++)
        {
            var x = randn(n, 12, generator: gen);
            var tasks = full(n, k, dtype: ScalarType.Int64);
            var err = (student.call(x.unsqueeze(0), tasks.unsqueeze(0)).squeeze(0) - mix.Targets(x, tasks)).square().sum(1);
            double mean = err.mean().item<float>(), se = err.std().item<float>() / Math.Sqrt(n);
            Assert.InRange(exact.Loss[k], mean - 5 * se, mean + 5 * se);
        }
    }

    [Fact]
    public void SignalOfAnEncoderOnOneCoordinateIsThatFeaturesShare()
    {
        var syn = new SyntheticSpec { Tasks = 2, DimsPerTask = 3, Width = 1, SpectrumExponent = 1 };
        var m = TaskMixture.From(syn, 0);
        using var mix = new MixtureTensors(m, CPU);
        using var u = zeros(6, 1);
        u[0, 0] = tensor(3.0f);                         // U = 3·e_0: spans task 0's first feature
        using var decoders = randn(2, 3, 1, generator: new Generator(1)) * 0.1;
        var metrics = ExactMetrics.Compute(u, decoders, mix);
        double trace = 1 + 0.5 + 1.0 / 3;
        Assert.Equal(1 / trace, metrics.Signal[0], 6);
        Assert.Equal(0, metrics.Signal[1], 6);
        // Random baseline N/D = 1/6: corrected = (s − 1/6)/(5/6).
        Assert.Equal((1 / trace - 1.0 / 6) / (5.0 / 6), metrics.SignalCorrected[0], 6);
    }
}
