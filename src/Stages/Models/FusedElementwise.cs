using TorchSharp;
using static TorchSharp.torch;

namespace Retention.Models;

/// <summary>
/// Rotary embedding and the SwiGLU gate as TorchScript functions, so that LibTorch's TorchScript fuser
/// can compile each chain of elementwise kernels (eager rotary: cast, neg, cat, two multiplies, add, cast;
/// SwiGLU: silu, multiply), forward and backward, into one kernel per chain on CUDA (it profiles the
/// first calls, then fuses). On the CPU nothing is fused: the same arithmetic runs op by op. Opt-in
/// (<c>olmo.fused_elementwise</c>) until a GPU measurement shows it pays; equal to the eager modules
/// to float rounding (tested, gradients included).
/// </summary>
public static class FusedElementwise
{
    /// <summary>Compiled once, each function checked in a test (a script that fails to compile can abort the process).</summary>
    internal const string Script =
        "def rope(x: Tensor, cos: Tensor, sin: Tensor) -> Tensor:\n" +
        "    xf = x.float()\n" +
        "    half = xf.size(-1) // 2\n" +
        "    rotated = xf * cos + torch.cat((-xf[..., half:], xf[..., :half]), dim=-1) * sin\n" +
        "    return rotated.to(x.dtype)\n" +
        "\n" +
        "def swiglu(h: Tensor) -> Tensor:\n" +
        "    half = h.size(-1) // 2\n" +
        "    return torch.silu(h[..., half:]) * h[..., :half]\n";

    static readonly Lazy<torch.jit.CompilationUnit> Unit = new(() => torch.jit.compile(Script));

    /// <summary>x (B, nh, T, hd) rotated by the (T, hd) cos and sin tables, computed in float32, returned in x's dtype.</summary>
    public static Tensor Rope(Tensor x, Tensor cos, Tensor sin)
    {
        var rotated = (Tensor)Unit.Value.invoke("rope", x, cos, sin)!;
        GC.KeepAlive(x); GC.KeepAlive(cos); GC.KeepAlive(sin);   // invoke keeps only their handles (see AdamOptimizer)
        return rotated;
    }

    /// <summary>silu(gate)·value over h = [value, gate] (…, M) → (…, M/2).</summary>
    public static Tensor SwiGlu(Tensor h)
    {
        var gated = (Tensor)Unit.Value.invoke("swiglu", h)!;
        GC.KeepAlive(h);
        return gated;
    }
}
