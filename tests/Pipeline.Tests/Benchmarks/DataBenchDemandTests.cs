using Retention.Benchmarks;

namespace Retention.Tests.Benchmarks;

/// <summary>`bench data`'s "the 4M model ... needs N M tokens/s" is set against its measured rates, which count rows ×
/// (seq_len + 1); it was MFU·peak / (6N), trained positions, a token a row fewer.</summary>
public sealed class DataBenchDemandTests
{
    [Theory]
    // 0.1 · 796e12 / (6 · 6,963,200) = 1,905,254.29 positions/s; × 65 / 64 = 1,935,023.89. At 30%: 5,715,762.87 × 65 / 64.
    [InlineData(0.1, 64, 1_935_023.89)]
    [InlineData(0.3, 64, 5_805_071.66)]
    // Rows of 2 tokens train on 1: twice the positions.
    [InlineData(0.1, 1, 3_810_508.58)]
    public void The_needed_rate_counts_the_streams_tokens(double mfu, int seqLen, double expected) =>
        Assert.Equal(expected, DataBench.RequiredTokensPerSecond(6_963_200, 796e12, mfu, seqLen), 0.01);
}
