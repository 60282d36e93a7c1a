using Retention.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Retention.Models;

/// <summary>
/// Rotary position embeddings in OLMo's (GPT-NeoX) "rotate half" layout: dims i and i + hd/2
/// form a pair rotated by angle pos·θ^(−2i/hd). cos and sin are precomputed for MaxSeqLen
/// positions and held as buffers (tensor fields registered by RegisterComponents), so they move
/// with the module's <c>to(device)</c> and appear in the state dict as <c>…rotary.cos/sin</c>.
/// They are not registered non-persistent: TorchSharp 0.107's <c>named_buffers(false)</c> skips
/// non-persistent buffers, and <c>to(device)</c> and <c>Dispose</c> go through it, so such
/// buffers would stay behind on the CPU and leak.
/// </summary>
public sealed class RotaryEmbedding : nn.Module<Tensor, Tensor>
{
    readonly Tensor cos;   // (MaxSeqLen, hd)
    readonly Tensor sin;   // (MaxSeqLen, hd)

    public RotaryEmbedding(int headDim, int maxSeqLen, double theta) : base("RotaryEmbedding")
    {
        if (headDim % 2 != 0) throw new ArgumentException($"head dim {headDim} must be even");
        // The tables in float64 on the host, then float32: angle(t, j) = t · θ^(−2(j mod hd/2)/hd),
        // the two halves repeating (HF's cat(freqs, freqs)). Plain arithmetic, so no implicit Scalars.
        int half = headDim / 2;
        var cosTable = new float[maxSeqLen * headDim];
        var sinTable = new float[maxSeqLen * headDim];
        for (int j = 0; j < half; j++)
        {
            double invFreq = 1.0 / Math.Pow(theta, 2.0 * j / headDim);
            for (int t = 0; t < maxSeqLen; t++)
            {
                double angle = t * invFreq;
                cosTable[t * headDim + j] = cosTable[t * headDim + j + half] = (float)Math.Cos(angle);
                sinTable[t * headDim + j] = sinTable[t * headDim + j + half] = (float)Math.Sin(angle);
            }
        }
        cos = tensor(cosTable, [maxSeqLen, headDim]);                                        // (T_max, hd)
        sin = tensor(sinTable, [maxSeqLen, headDim]);                                        // (T_max, hd)
        RegisterComponents();
    }

    /// <summary>Through <see cref="FusedElementwise.Rope"/> (same arithmetic, fusable on CUDA) instead of op by op.</summary>
    public bool Fused { get; set; }

    /// <summary>Rotates q or k of shape (B, nh, T, hd) by the positions 0..T−1.</summary>
    public override Tensor forward(Tensor x)
    {
        long t = x.shape[2], hd = x.shape[3];
        if (t > cos.shape[0] || hd != cos.shape[1])
            throw new ArgumentException($"rotary input {string.Join("x", x.shape)} exceeds ({cos.shape[0]}, {cos.shape[1]})");
        if (Fused)
        {
            using var c = cos.narrow(0, 0, t);
            using var s = sin.narrow(0, 0, t);
            return FusedElementwise.Rope(x, c, s);                                  // (B, nh, T, hd)
        }
        // In float32 whatever the input's dtype (OLMo's rope_full_precision), returned in the input's.
        var xf = x.dtype == ScalarType.Float32 ? x : x.to(ScalarType.Float32);     // (B, nh, T, hd)
        var rotated = (xf * cos.narrow(0, 0, t)).Plus(RotateHalf(xf) * sin.narrow(0, 0, t));
        return rotated.dtype == x.dtype ? rotated : rotated.to(x.dtype);            // (B, nh, T, hd)
    }

    /// <summary>(x1, x2) → (−x2, x1) over the two halves of the last dim.</summary>
    static Tensor RotateHalf(Tensor x)
    {
        var halves = x.chunk(2, dim: -1);                                           // 2 × (B, nh, T, hd/2)
        return cat([-halves[1], halves[0]], dim: -1);                               // (B, nh, T, hd)
    }
}
