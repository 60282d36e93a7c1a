using TorchSharp;
using static TorchSharp.torch;

namespace Retention.Training;

/// <summary>
/// Addition and squaring without TorchSharp 0.107's implicit Scalars. <c>a + b</c>, <c>a.add(b)</c>,
/// <c>a.add_(b)</c> and <c>a.add_(s)</c> pass an <c>alpha = 1</c> Scalar (and <c>square()</c> an
/// exponent 2) that nothing keeps
/// alive once its handle is read, so a garbage collection during the native call can finalize it
/// and LibTorch reads freed memory ("Expected false to be true" from Scalar::toFloat, or "Unknown
/// scalar type"). Two OLMo runs training side by side hit it within 200 steps; a loop of
/// <c>a + b</c> beside a thread forcing collections failed 24 times in 1.4M calls, and 0 times in
/// 1.1M with these methods, whose Scalar lives in a static field for the life of the process.
/// (Scalars are not tracked by dispose scopes in 0.107, so a static one is never disposed.)
/// Subtraction of tensors has no alpha in 0.107 and needs no help; a double passed where a Scalar
/// is expected (<c>t * 0.5</c>, <c>fill_(1)</c>) has the same hazard: pass a Scalar held by <c>using</c>.
/// </summary>
public static class SafeArithmetic
{
    /// <summary>The Scalar 1, rooted for the life of the process.</summary>
    public static Scalar One { get; } = 1.ToScalar();

    static readonly Scalar Two = 2.ToScalar();

    /// <summary>a + b.</summary>
    public static Tensor Plus(this Tensor a, Tensor b) => a.add(b, One);

    /// <summary>a += b, in place.</summary>
    public static Tensor PlusInPlace(this Tensor a, Tensor b) => a.add_(b, One);

    /// <summary>a += s, in place (the caller keeps <paramref name="s"/> alive).</summary>
    public static Tensor PlusInPlace(this Tensor a, Scalar s) => a.add_(s, One);

    /// <summary>a², element-wise (TorchSharp's <c>square()</c> is <c>pow(2)</c> with an implicit Scalar).</summary>
    public static Tensor Squared(this Tensor a) => a.pow(Two);
}
