using Retention.Spec;
using Retention.Synthetic;
using static TorchSharp.torch;

namespace Retention.Tests.Synthetic;

public class InterferenceMetricsTests
{
    static readonly SyntheticSpec Spec = new()
    {
        Tasks = 3, DimsPerTask = 4, FrequencyExponent = 1, SpectrumExponent = 1, Basis = "random", FrequentTasks = 2,
        Rare = new RareSpec { Frequency = 0.05 },
    };
    static readonly TaskMixture Mixture = TaskMixture.From(Spec, 3);

    /// <summary>M_F as a dense D × D matrix, built independently of the block formulas.</summary>
    static Tensor DenseMF()
    {
        int d = Mixture.DimsPerTask, dims = Mixture.InputDims;
        var m = zeros(dims, dims, dtype: ScalarType.Float64);
        for (int k = 0; k < Mixture.Tasks; k++)
        {
            if (!Mixture.IsFrequent(k)) continue;
            var r = tensor(Mixture.Rotations[k], [d, d]);
            var c = r.matmul(diag(tensor(Mixture.Spectra[k]))).matmul(r.t()) * Mixture.Frequencies[k];
            m[TensorIndex.Slice(k * d, (k + 1) * d), TensorIndex.Slice(k * d, (k + 1) * d)] = c;
        }
        return m;
    }

    [Fact]
    public void ResidualAndGradientMatchTheDenseDefinitions()
    {
        using var mix = new MixtureTensors(Mixture, CPU);
        var gen = new Generator(5);
        var u = randn(Mixture.InputDims, 5, generator: gen, dtype: ScalarType.Float64);
        var dec = randn(Mixture.Tasks, 4, 5, generator: gen, dtype: ScalarType.Float64);
        var result = InterferenceMetrics.Compute(u, dec, mix, Mixture);

        var mf = DenseMF();
        var q = linalg.qr(u, linalg.QRMode.Reduced).Q;
        var p = q.matmul(q.t());
        var i = eye(Mixture.InputDims, dtype: ScalarType.Float64);
        Assert.Equal((i - p).matmul(mf).trace().item<double>(), result.ResidualF, 6);
        // Gradient of −tr(Q^T M_F Q) by autograd, projected off span U.
        var qv = q.detach().requires_grad_();
        (-(qv.t().matmul(mf).matmul(qv)).trace()).backward();
        var grassmann = (i - p).matmul(qv.grad!);
        Assert.Equal(grassmann.norm().item<double>(), result.GradF, 6);
        Assert.Equal(2 * Math.Sqrt(TopEigenvalue(mf) * result.ResidualF), result.Bound, 6);
    }

    static double TopEigenvalue(Tensor mf) => linalg.eigvalsh(mf).max().item<double>();

    [Fact]
    public void TrainGradientIsTheAutogradGradientOfTheFrequentLoss()
    {
        using var mix = new MixtureTensors(Mixture, CPU);
        var gen = new Generator(9);
        var u = randn(Mixture.InputDims, 3, generator: gen, dtype: ScalarType.Float64).requires_grad_();
        var dec = randn(Mixture.Tasks, 4, 3, generator: gen, dtype: ScalarType.Float64);
        int d = Mixture.DimsPerTask;
        Tensor loss = zeros(1, dtype: ScalarType.Float64);
        for (int k = 0; k < Mixture.Tasks; k++)
        {
            if (!Mixture.IsFrequent(k)) continue;
            var t = zeros(d, Mixture.InputDims, dtype: ScalarType.Float64);
            var r = tensor(Mixture.Rotations[k], [d, d]);
            t[TensorIndex.Colon, TensorIndex.Slice(k * d, (k + 1) * d)] = diag(tensor(Mixture.Spectra[k]).sqrt()).matmul(r.t());
            loss = loss + Mixture.Frequencies[k] * (t - dec[k].matmul(u.t())).square().sum();
        }
        loss.backward();
        var result = InterferenceMetrics.Compute(u.detach(), dec, mix, Mixture);
        Assert.Equal(u.grad!.norm().item<double>(), result.GradFTrain, 6);
    }

    [Fact]
    public void BoundHoldsEverywhereAndTrainGradientMeetsItAtOrthonormalOptimum()
    {
        using var mix = new MixtureTensors(Mixture, CPU);
        var gen = new Generator(1);
        for (int trial = 0; trial < 50; trial++)
        {
            int n = 1 + trial % 8;
            var u = randn(Mixture.InputDims, n, generator: gen, dtype: ScalarType.Float64) * (0.1 + trial);
            var dec = randn(Mixture.Tasks, 4, n, generator: gen, dtype: ScalarType.Float64);
            var any = InterferenceMetrics.Compute(u, dec, mix, Mixture);
            Assert.True(any.GradF <= any.Bound + 1e-9, $"trial {trial}: {any.GradF} > {any.Bound}");

            // Orthonormal U with optimal decoders D_k = T_k U: the trainer's gradient is G_F.
            var q = linalg.qr(u, linalg.QRMode.Reduced).Q;
            var optimal = OptimalDecoders(q);
            var at = InterferenceMetrics.Compute(q, optimal, mix, Mixture);
            Assert.Equal(at.GradF, at.GradFTrain, 6);
            Assert.True(at.GradFTrain <= at.Bound + 1e-9);
        }
    }

    static Tensor OptimalDecoders(Tensor q)
    {
        int d = Mixture.DimsPerTask;
        var decs = new List<Tensor>();
        for (int k = 0; k < Mixture.Tasks; k++)
        {
            var r = tensor(Mixture.Rotations[k], [d, d]);
            var tk = diag(tensor(Mixture.Spectra[k]).sqrt()).matmul(r.t());        // (d, d): T_k on block k
            decs.Add(tk.matmul(q[TensorIndex.Slice(k * d, (k + 1) * d)]));         // T_k Q_k
        }
        return stack(decs);
    }
}
