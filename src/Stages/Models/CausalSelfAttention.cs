using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Retention.Models;

/// <summary>
/// Multi-head causal self-attention: fused qkv projection H→3H and output projection H→H,
/// both without bias; rotary embeddings on q and k; scaled_dot_product_attention (causal).
/// Runs in the dtype of its input (<see cref="MixedPrecision"/>).
/// </summary>
public sealed class CausalSelfAttention : nn.Module<Tensor, Tensor>
{
    readonly Linear attnProj;        // H → 3H: q, k, v
    readonly Linear attnOut;         // H → H
    readonly RotaryEmbedding rotary;
    readonly int heads;
    readonly WeightCasts casts;

    /// <param name="casts">The model's weight casts (a module of its own: a fresh set).</param>
    public CausalSelfAttention(OlmoConfig config, WeightCasts? casts = null) : base("CausalSelfAttention")
    {
        this.casts = casts ?? new WeightCasts();
        heads = config.Heads;
        attnProj = nn.Linear(config.Hidden, 3 * config.Hidden, hasBias: false);
        attnOut = nn.Linear(config.Hidden, config.Hidden, hasBias: false);
        rotary = new RotaryEmbedding(config.HeadDim, config.MaxSeqLen, config.RopeTheta);
        RegisterComponents();
    }

    /// <summary>The rotary embedding of q and k.</summary>
    public RotaryEmbedding Rotary => rotary;

    /// <summary>The output projection (for scaled initialisation).</summary>
    public Linear OutProj => attnOut;

    public override Tensor forward(Tensor x)
    {
        long b = x.shape[0], t = x.shape[1], c = x.shape[2], hd = c / heads;
        var qkv = MixedPrecision.Linear(attnProj, x, casts).chunk(3, dim: 2);      // 3 × (B, T, C)
        var q = qkv[0].view(b, t, heads, hd).transpose(1, 2);                       // (B, nh, T, hd)
        var k = qkv[1].view(b, t, heads, hd).transpose(1, 2);                       // (B, nh, T, hd)
        var v = qkv[2].view(b, t, heads, hd).transpose(1, 2);                       // (B, nh, T, hd)
        q = rotary.call(q);                                                         // (B, nh, T, hd)
        k = rotary.call(k);                                                         // (B, nh, T, hd)
        // TorchSharp 0.107 spells the causal flag is_casual.
        var y = nn.functional.scaled_dot_product_attention(q, k, v, is_casual: true); // (B, nh, T, hd)
        y = y.transpose(1, 2).contiguous().view(b, t, c);                           // (B, T, C)
        return MixedPrecision.Linear(attnOut, y, casts);                            // (B, T, C)
    }
}
