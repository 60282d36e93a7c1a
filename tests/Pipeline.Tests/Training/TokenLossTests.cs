using Retention.Training;
using static TorchSharp.torch;

namespace Retention.Tests.Training;

/// <summary>The loss that widens inside log_softmax against widening the logits first and taking cross_entropy.</summary>
public class TokenLossTests
{
    static (Tensor Loss, Tensor Grad) LossAndGrad(Tensor logits, Tensor targets, bool widenFirst, nn.Reduction reduction)
    {
        var leaf = logits.detach().requires_grad_(true);
        var loss = widenFirst ? nn.functional.cross_entropy(leaf.to(ScalarType.Float32), targets, reduction: reduction)
            : reduction switch
            {
                nn.Reduction.Mean => TokenLoss.Mean(leaf, targets),
                nn.Reduction.Sum => TokenLoss.Sum(leaf, targets),
                _ => TokenLoss.PerToken(leaf, targets),
            };
        loss.sum().backward();
        return (loss.detach(), leaf.grad!.detach());
    }

    [Theory]
    [InlineData(ScalarType.Float32, nn.Reduction.Mean)]
    [InlineData(ScalarType.BFloat16, nn.Reduction.Mean)]
    [InlineData(ScalarType.BFloat16, nn.Reduction.Sum)]
    [InlineData(ScalarType.BFloat16, nn.Reduction.None)]
    public void Equals_cross_entropy_of_the_widened_logits_bit_for_bit_in_value_and_gradient(ScalarType dtype, nn.Reduction reduction)
    {
        using var scope = NewDisposeScope();
        var g = new Generator(11);
        var logits = randn(64, 1000, generator: g).mul(3).to(dtype);   // (N, V)
        var targets = randint(0, 1000, [64], generator: g);
        var (ours, ourGrad) = LossAndGrad(logits, targets, widenFirst: false, reduction);
        var (reference, referenceGrad) = LossAndGrad(logits, targets, widenFirst: true, reduction);
        Assert.Equal(ScalarType.Float32, ours.dtype);
        Assert.Equal(dtype, ourGrad.dtype);   // the gradient comes back in the logits' own dtype
        Assert.Equal(reference.shape, ours.shape);
        Assert.True(ours.eq(reference).all().item<bool>(), "losses differ");
        Assert.True(ourGrad.to(ScalarType.Float32).allclose(referenceGrad.to(ScalarType.Float32), rtol: 0, atol: 0),
            $"gradients differ by {ourGrad.to(ScalarType.Float32).sub(referenceGrad.to(ScalarType.Float32)).abs().max().item<float>()}");
    }

    [Fact]
    public void Is_the_mean_negative_log_probability_of_each_target()
    {
        using var scope = NewDisposeScope();
        // Two rows over three tokens, by hand: -log softmax at the target, averaged.
        var logits = tensor(new float[] { 1, 2, 3, 0, 0, 0 }, [2, 3]);
        var targets = tensor(new long[] { 2, 0 });
        double row1 = -(3 - Math.Log(Math.Exp(1) + Math.Exp(2) + Math.Exp(3))), row2 = Math.Log(3);
        Assert.Equal((row1 + row2) / 2, TokenLoss.Mean(logits, targets).item<float>(), 6);
    }
}
