using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Retention.Models;

/// <summary>
/// Mixed precision by hand (TorchSharp 0.107 has no autocast): what torch.autocast(bfloat16) does
/// for this model. Parameters, gradients and Adam's state stay float32 (the master weights);
/// the inputs of every matmul (Linear layers, attention) are cast to the compute dtype, and each
/// weight is cast at use, so its gradient flows back to the float32 parameter through the cast.
/// Layer norms, rotary embeddings, the residual stream and the loss stay in float32.
/// </summary>
public static class MixedPrecision
{
    /// <summary>The precision settings a run may name.</summary>
    public static readonly IReadOnlyList<string> Names = ["auto", "fp32", "bf16"];

    /// <summary>The compute dtype of <paramref name="precision"/> on <paramref name="device"/>:
    /// auto is bf16 on CUDA (its tensor cores; flash attention needs 16-bit inputs) and fp32 on
    /// the CPU (where bf16 matmuls are not faster on most machines).</summary>
    public static ScalarType ComputeDtype(string precision, Device device) => precision switch
    {
        "fp32" => ScalarType.Float32,
        "bf16" => ScalarType.BFloat16,
        "auto" => device.type == TorchSharp.DeviceType.CUDA ? ScalarType.BFloat16 : ScalarType.Float32,
        _ => throw new ArgumentException($"unknown precision '{precision}'; allowed: {string.Join(", ", Names)}"),
    };

    /// <summary>The short name of a compute dtype, as recorded in model.arrow and bench rows.</summary>
    public static string Name(ScalarType dtype) => dtype == ScalarType.BFloat16 ? "bf16" : "fp32";

    /// <summary><paramref name="layer"/> applied in the dtype of <paramref name="x"/> (the weight cast to it
    /// when they differ, by <paramref name="casts"/>: a step's shared cast or a differentiable cast, so the
    /// float32 weight receives the gradient either way).</summary>
    public static Tensor Linear(Linear layer, Tensor x, WeightCasts casts) =>
        x.dtype == layer.weight!.dtype ? layer.call(x) : nn.functional.linear(x, casts.Weight(layer, x.dtype));
}
