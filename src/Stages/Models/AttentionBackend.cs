using TorchSharp;
using static TorchSharp.torch;

namespace Retention.Models;

/// <summary>
/// Which kernel LibTorch picks for scaled-dot-product attention, asked the way PyTorch's own dispatcher
/// decides: <c>torch._fused_sdp_choice</c>, reachable only through TorchScript in TorchSharp 0.107
/// (0 math, 1 flash, 2 memory-efficient, 3 cuDNN). The model's attention calls the same
/// scaled_dot_product_attention with is_causal and no mask, so this is the kernel it runs.
/// </summary>
public static class AttentionBackend
{
    const string Script = "def choice(q: Tensor, k: Tensor, v: Tensor) -> int:\n    return torch._fused_sdp_choice(q, k, v, None, 0.0, True)\n";
    static readonly Lazy<torch.jit.CompilationUnit> Unit = new(() => torch.jit.compile(Script));

    static readonly string[] Names = ["math", "flash", "efficient", "cudnn"];

    /// <summary>The backend for causal attention over (B, heads, T, head_dim) queries, keys and values.</summary>
    public static string Choice(Tensor q, Tensor k, Tensor v)
    {
        using var chosen = (Scalar)Unit.Value.invoke("choice", q, k, v)!;
        long id = chosen.ToInt64();
        return id >= 0 && id < Names.Length ? Names[id] : $"backend {id}";
    }

    /// <summary>The backend a model of this shape uses on a device at a compute dtype.</summary>
    public static string For(OlmoConfig config, Device device, ScalarType dtype, int seqLen = 128)
    {
        using var scope = NewDisposeScope();
        var q = zeros(1, config.Heads, Math.Min(seqLen, config.MaxSeqLen), config.HeadDim, dtype: dtype, device: device);
        return Choice(q, q, q);
    }
}
