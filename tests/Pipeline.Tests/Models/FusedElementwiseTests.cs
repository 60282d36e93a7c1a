using Retention.Models;
using Retention.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Retention.Tests.Models;

/// <summary>
/// olmo.fused_elementwise runs rotary and SwiGLU as TorchScript functions; it must compute what the
/// eager modules compute, forward and backward, in float32 and bf16, and train the same model.
/// Running each function here also compiles every script in the suite (a compile error aborts the process).
/// </summary>
public class FusedElementwiseTests
{
    static void Close(Tensor expected, Tensor actual, double tolerance)
    {
        Assert.Equal(expected.shape, actual.shape);
        Assert.Equal(expected.dtype, actual.dtype);
        double diff = (expected.to(ScalarType.Float64) - actual.to(ScalarType.Float64)).abs().max().item<double>();
        Assert.True(diff <= tolerance, $"max |difference| {diff:G3} > {tolerance:G3}");
    }

    [Theory]
    [InlineData(ScalarType.Float32)]
    [InlineData(ScalarType.BFloat16)]
    public void Rotary_through_TorchScript_equals_the_eager_module_with_its_gradient(ScalarType dtype)
    {
        using var scope = NewDisposeScope();
        using var rotary = new RotaryEmbedding(headDim: 8, maxSeqLen: 16, theta: 10_000);
        manual_seed(1);
        var source = randn(2, 3, 11, 8);
        var upstream = randn(2, 3, 11, 8).to(dtype);

        Tensor Run(bool fused, out Tensor grad)
        {
            rotary.Fused = fused;
            var x = source.to(dtype).detach().requires_grad_(true);
            var y = rotary.call(x);
            y.backward([upstream]);
            grad = x.grad!.detach().clone();
            return y.detach();
        }

        var eager = Run(false, out var eagerGrad);
        var fused = Run(true, out var fusedGrad);
        Close(eager, fused, dtype == ScalarType.Float32 ? 1e-6 : 0);   // bf16: the same float32 arithmetic, one rounding
        Close(eagerGrad, fusedGrad, dtype == ScalarType.Float32 ? 1e-6 : 1e-2);
        // Not the identity: positions past 0 are rotated.
        Assert.True((fused.to(ScalarType.Float32) - source.to(dtype).to(ScalarType.Float32)).abs().max().item<float>() > 0.1f);
    }

    [Fact]
    public void SwiGlu_through_TorchScript_equals_the_eager_module_with_its_weight_gradients()
    {
        using var scope = NewDisposeScope();
        manual_seed(2);
        var config = new OlmoConfig(Layers: 1, Hidden: 16, MlpDim: 48, Heads: 2, VocabSize: 10, MaxSeqLen: 8);
        using var mlp = new SwiGluMlp(config);
        var x = randn(3, 5, 16);

        (Tensor Out, Tensor[] Grads) Run(bool fused)
        {
            mlp.Fused = fused;
            mlp.zero_grad();
            var y = mlp.call(x);
            y.square().sum().backward();
            return (y.detach(), [.. mlp.parameters().Select(p => p.grad!.detach().clone())]);
        }

        var (eager, eagerGrads) = Run(false);
        var (fused, fusedGrads) = Run(true);
        Close(eager, fused, 1e-6);
        Assert.Equal(eagerGrads.Length, fusedGrads.Length);
        for (int i = 0; i < eagerGrads.Length; i++) Close(eagerGrads[i], fusedGrads[i], 1e-5);
        // silu(gate)·value is not symmetric in its halves: swapping them would change the output.
        var halves = x.matmul(mlp.InProj.weight!.t()).chunk(2, dim: -1);
        Assert.True((nn.functional.silu(halves[0]) * halves[1]).sub(nn.functional.silu(halves[1]) * halves[0]).abs().max().item<float>() > 1e-3f);
    }

    [Theory]
    [InlineData("fp32", 1e-5)]
    [InlineData("bf16", 1e-2)]
    public void The_model_gives_the_same_logits_and_gradients_with_and_without_it(string precision, double relative)
    {
        using var scope = NewDisposeScope();
        var tokens = randint(0, OlmoTrainerTests.Tiny.VocabSize, [4, 16], generator: new Generator(3));
        using var model = new OlmoModel(OlmoTrainerTests.Tiny, new Generator(4));
        model.ComputeDtype = Retention.Models.MixedPrecision.ComputeDtype(precision, CPU);

        (Tensor Logits, Tensor[] Grads) Run(bool fused)
        {
            model.FusedElementwise = fused;
            model.zero_grad();
            var logits = model.call(tokens);
            nn.functional.cross_entropy(logits.view(-1, logits.shape[2]), tokens.view(-1)).backward();
            return (logits.detach(), [.. model.parameters().Select(p => p.grad!.detach().clone())]);
        }

        var (eager, eagerGrads) = Run(false);
        var (fused, fusedGrads) = Run(true);
        Close(eager, fused, relative * eager.abs().max().item<float>());
        for (int i = 0; i < eagerGrads.Length; i++)
            Close(eagerGrads[i], fusedGrads[i], relative * eagerGrads[i].abs().max().item<float>());
    }

    [Fact]
    public void A_model_trains_the_same_with_and_without_it()
    {
        var losses = new List<double>[2];
        var weights = new Tensor[2][];
        foreach (var fused in new[] { false, true })
        {
            var spec = new OlmoTrainSpec(Steps: 15, WarmupSteps: 2, Lr: 3e-3, Seed: 5, Precision: "fp32", FusedElementwise: fused);
            using var trainer = new OlmoTrainer(OlmoTrainerTests.Tiny, spec);
            Assert.Equal(fused, trainer.Model.FusedElementwise);
            int i = fused ? 1 : 0;
            losses[i] = [.. Enumerable.Range(1, 15).Select(s => trainer.Step(OlmoTrainerTests.Batch(s)).Loss)];
            weights[i] = [.. trainer.Model.parameters().Select(p => p.detach().clone())];
        }
        for (int s = 0; s < 15; s++)
            Assert.True(Math.Abs(losses[0][s] - losses[1][s]) <= 1e-5 * losses[0][s], $"step {s + 1}: {losses[0][s]} vs {losses[1][s]}");
        Assert.True(losses[1][^1] < losses[1][0], "the fused model did not learn");
        // Adam turns any gradient difference into a step of about lr: 1e-5 is far below 15 steps of 3e-3.
        for (int p = 0; p < weights[0].Length; p++) Close(weights[0][p], weights[1][p], 1e-5);
    }
}
