using Retention.Models;
using static TorchSharp.torch;

namespace Retention.Tests.Models;

/// <summary>The attention kernel the models run, by LibTorch's own choice (issue: flash for bf16 causal attention).</summary>
public class AttentionBackendTests
{
    static readonly OlmoConfig Shape = OlmoConfig.Preset("20M", 512) with { MaxSeqLen = 256 };

    [Fact]
    public void Causal_attention_runs_the_flash_kernel_on_this_cpu_and_on_a_gpu_in_bf16()
    {
        // LibTorch 2.10 has a flash kernel for the CPU too, in float32 and bfloat16.
        Assert.Equal("flash", AttentionBackend.For(Shape, CPU, ScalarType.Float32));
        Assert.Equal("flash", AttentionBackend.For(Shape, CPU, ScalarType.BFloat16));
        if (cuda.is_available())   // where a GPU is present: the bf16 mixed-precision path must not fall back to math
            Assert.Equal("flash", AttentionBackend.For(Shape, CUDA, ScalarType.BFloat16));
    }
}
