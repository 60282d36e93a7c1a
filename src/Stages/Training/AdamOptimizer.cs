using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Retention.Training;

/// <summary>
/// Adam (weight_decay = 0) or AdamW, with PyTorch's update: m ← β1·m + (1−β1)·g,
/// v ← β2·v + (1−β2)·g², p ← p·(1 − lr·wd) − (lr / (1−β1^t))·m / (sqrt(v)/sqrt(1−β2^t) + eps).
///
/// Why not torch.optim.Adam: TorchSharp 0.107's optimizers pass doubles such as eps to native
/// calls through implicitly created Scalars that nothing keeps alive, so the garbage collector
/// can free one during the call. Seen here: after ~10K steps of a synthetic run the native add_
/// failed with "Unknown scalar type" (a freed Scalar). Every Scalar here is created explicitly
/// and disposed only after the step's last native call.
/// </summary>
public sealed class AdamOptimizer : IDisposable
{
    readonly (Parameter Param, Tensor M, Tensor V)[] state;
    readonly double beta1, beta2, eps, weightDecay;
    long t;

    public AdamOptimizer(IEnumerable<Parameter> parameters, double lr, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8,
        double weightDecay = 0)
    {
        using var noGrad = no_grad();
        state = [.. parameters.Select(p => (p, zeros_like(p), zeros_like(p)))];
        (LearningRate, this.beta1, this.beta2, this.eps, this.weightDecay) = (lr, beta1, beta2, eps, weightDecay);
    }

    public double LearningRate { get; set; }

    public void ZeroGrad()
    {
        foreach (var (p, _, _) in state) p.grad?.zero_();
    }

    public void Step()
    {
        t++;
        double bc1 = 1 - Math.Pow(beta1, t), bc2 = 1 - Math.Pow(beta2, t);
        using var noGrad = no_grad();
        using var b1 = beta1.ToScalar();
        using var oneMinusB1 = (1 - beta1).ToScalar();
        using var b2 = beta2.ToScalar();
        using var oneMinusB2 = (1 - beta2).ToScalar();
        using var invSqrtBc2 = (1 / Math.Sqrt(bc2)).ToScalar();
        using var epsilon = eps.ToScalar();
        using var negStep = (-LearningRate / bc1).ToScalar();
        using var decay = (1 - LearningRate * weightDecay).ToScalar();
        foreach (var (p, m, v) in state)
        {
            if (p.grad is not { } g) continue;
            if (weightDecay != 0) p.mul_(decay);
            m.mul_(b1).add_(g, alpha: oneMinusB1);
            v.mul_(b2).addcmul_(g, g, value: oneMinusB2);
            using var denom = v.sqrt();
            denom.mul_(invSqrtBc2).add_(epsilon);
            p.addcdiv_(m, denom, value: negStep);
        }
    }

    public void Dispose()
    {
        foreach (var (_, m, v) in state) { m.Dispose(); v.Dispose(); }
    }
}
