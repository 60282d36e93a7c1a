using TorchSharp;
using static TorchSharp.torch;

namespace Retention.Models;

/// <summary>Pre-norm transformer block: x + attn(norm(x)), then x + mlp(norm(x)).</summary>
public sealed class OlmoBlock : nn.Module<Tensor, Tensor>
{
    readonly LayerNormNoParams attnNorm;
    readonly CausalSelfAttention attn;
    readonly LayerNormNoParams ffNorm;
    readonly SwiGluMlp mlp;

    public OlmoBlock(OlmoConfig config) : base("OlmoBlock")
    {
        attnNorm = new LayerNormNoParams(config.Hidden);
        attn = new CausalSelfAttention(config);
        ffNorm = new LayerNormNoParams(config.Hidden);
        mlp = new SwiGluMlp(config);
        RegisterComponents();
    }

    public CausalSelfAttention Attention => attn;
    public SwiGluMlp Mlp => mlp;

    public override Tensor forward(Tensor x)
    {
        x = x + attn.call(attnNorm.call(x));                                        // (B, T, C)
        x = x + mlp.call(ffNorm.call(x));                                           // (B, T, C)
        return x;
    }
}
