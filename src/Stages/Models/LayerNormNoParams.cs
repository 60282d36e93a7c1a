using TorchSharp;
using static TorchSharp.torch;

namespace Retention.Models;

/// <summary>OLMo's non-parametric layer norm: normalise the last dim, no weight, no bias.</summary>
public sealed class LayerNormNoParams : nn.Module<Tensor, Tensor>
{
    readonly long[] shape;
    readonly double eps;

    public LayerNormNoParams(int hidden, double eps = 1e-5) : base("LayerNormNoParams")
    {
        shape = [hidden];
        this.eps = eps;
        RegisterComponents();
    }

    public override Tensor forward(Tensor x) =>
        nn.functional.layer_norm(x, shape, eps: eps);                               // (B, T, C)
}
