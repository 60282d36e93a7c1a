using Retention.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Retention.Models;

/// <summary>Pre-norm transformer block: x + attn(norm(x)), then x + mlp(norm(x)). The residual
/// stream and the norms stay in x's dtype; attention and MLP run in <see cref="ComputeDtype"/>.</summary>
public sealed class OlmoBlock : nn.Module<Tensor, Tensor>
{
    readonly LayerNormNoParams attnNorm;
    readonly CausalSelfAttention attn;
    readonly LayerNormNoParams ffNorm;
    readonly SwiGluMlp mlp;

    /// <param name="casts">The model's weight casts, shared by its attention and MLP.</param>
    public OlmoBlock(OlmoConfig config, WeightCasts casts) : base("OlmoBlock")
    {
        attnNorm = new LayerNormNoParams(config.Hidden);
        attn = new CausalSelfAttention(config, casts);
        ffNorm = new LayerNormNoParams(config.Hidden);
        mlp = new SwiGluMlp(config, casts);
        RegisterComponents();
    }

    public CausalSelfAttention Attention => attn;
    public SwiGluMlp Mlp => mlp;

    /// <summary>The dtype attention and the MLP compute in (<see cref="MixedPrecision"/>).</summary>
    public ScalarType ComputeDtype { get; set; } = ScalarType.Float32;

    public override Tensor forward(Tensor x)
    {
        x = x.Plus(attn.call(attnNorm.call(x).to(ComputeDtype)));                    // (B, T, C), x's dtype
        x = x.Plus(mlp.call(ffNorm.call(x).to(ComputeDtype)));                       // (B, T, C)
        return x;
    }
}
