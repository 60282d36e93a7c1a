using TorchSharp;
using static TorchSharp.torch;

namespace Retention.Training;

/// <summary>
/// Zeroing, the global norm and clipping of a list of gradients with LibTorch's multi-tensor
/// (<c>_foreach_*</c>) kernels, reached through TorchScript, as PyTorch's <c>clip_grad_norm_</c> does:
/// on a GPU a handful of kernel launches for all gradients instead of one to four per parameter (the
/// 20M model's step is launch-bound), and nothing is read to the host.
/// </summary>
/// <remarks>
/// Each per-tensor norm is taken in the gradients' dtype (float32 here, accumulated in float), the
/// total over them in float64. All gradients of one call share a dtype (the callers group them).
/// </remarks>
public static class GradientLists
{
    /// <summary>Compiled once, each function checked in a test (a script that fails to compile can abort the process).</summary>
    internal const string Script =
        "def zero(grads: List[Tensor]):\n" +
        "    torch._foreach_zero_(grads)\n" +
        "\n" +
        "def sum_of_squares(grads: List[Tensor]) -> Tensor:\n" +
        "    norms = torch._foreach_norm(grads, 2.0)\n" +
        "    return torch.stack(norms).double().square().sum()\n" +
        "\n" +
        "def accumulate(into: List[Tensor], grads: List[Tensor]):\n" +
        "    torch._foreach_add_(into, grads)\n" +
        "\n" +
        "def clip(grads: List[Tensor], norm: Tensor, max_norm: float):\n" +
        "    coefficient = torch.clamp(torch.reciprocal(norm + 1e-6) * max_norm, max=1.0)\n" +
        "    torch._foreach_mul_(grads, coefficient.to(grads[0].dtype))\n";

    static readonly Lazy<torch.jit.CompilationUnit> Unit = new(() => torch.jit.compile(Script));

    /// <summary>Sets every gradient to zero.</summary>
    public static void Zero(IReadOnlyList<Tensor> grads)
    {
        foreach (var group in ByDtype(grads)) Invoke("zero", group);
    }

    /// <summary>sqrt(Σ ‖g‖²) over the gradients as a float64 scalar tensor on their device (0 on the CPU when none).</summary>
    public static Tensor Norm(IReadOnlyList<Tensor> grads)
    {
        using var scope = NewDisposeScope();
        Tensor? total = null;
        foreach (var group in ByDtype(grads))
        {
            var sq = (Tensor)Invoke("sum_of_squares", group)!;
            total = total is null ? sq : total.Plus(sq);
        }
        return (total is null ? zeros(1, dtype: float64).squeeze() : total.sqrt()).MoveToOuterDisposeScope();
    }

    /// <summary>into[i] += grads[i] for every i (in into's dtype: a bf16 gradient is widened exactly into a float32 one).</summary>
    public static void Accumulate(IReadOnlyList<Tensor> into, IReadOnlyList<Tensor> grads)
    {
        if (into.Count != grads.Count) throw new ArgumentException($"{into.Count} gradients to add {grads.Count} into");
        if (into.Count == 0) return;
        Tensor[] a = [.. into], b = [.. grads];
        Unit.Value.invoke("accumulate", a, b);
        GC.KeepAlive(a); GC.KeepAlive(b);
    }

    /// <summary>Multiplies every gradient by min(1, maxNorm / (norm + 1e-6)) (PyTorch's clip_grad_norm_), the
    /// coefficient computed on the device from the one-element <paramref name="norm"/>.</summary>
    public static void Clip(IReadOnlyList<Tensor> grads, Tensor norm, double maxNorm)
    {
        using var max = maxNorm.ToScalar();   // a Scalar we own: invoke keeps only a double's handle (see AdamOptimizer)
        foreach (var group in ByDtype(grads)) Invoke("clip", group, norm, max);
        GC.KeepAlive(norm);
    }

    static IEnumerable<Tensor[]> ByDtype(IReadOnlyList<Tensor> grads) => grads.GroupBy(g => g.dtype).Select(g => g.ToArray());

    static object? Invoke(string function, Tensor[] grads, params object[] rest)
    {
        var result = Unit.Value.invoke(function, [grads, .. rest]);
        GC.KeepAlive(grads);   // invoke keeps only the handles (see AdamOptimizer)
        return result;
    }
}
