using Retention.Pipeline;
using static Retention.Tests.Spec.SpecSamples;

namespace Retention.Tests.Pipeline;

public class ConcurrentJobsTests
{
    static readonly string Sweep = Yaml(
        "name: t",
        "synthetic: {tasks: 3, dims_per_task: 2}",
        "train: {steps: 10}",
        "sweep:",
        "  synthetic.width: [2, 3]");

    [Theory]
    [InlineData(1, 16, 16)]   // one LibTorch thread per job: a job per core
    [InlineData(4, 16, 4)]
    [InlineData(3, 2, 1)]     // more threads than cores still makes one job
    [InlineData(0, 8, 1)]     // 0 threads = LibTorch takes every core itself
    public void OnTheCpuEachJobGetsItsThreads(int threads, int cores, int expected) =>
        Assert.Equal(expected, ConcurrentJobs.Default(Load(Sweep).Runs, threads, cores));

    [Fact]
    public void OnAGpuConcurrencyIsOptIn()
    {
        // Resolving "cuda" needs no GPU here: Devices.IsCpu only reads the name.
        var onGpu = Load(Sweep, null, "device=cuda").Runs;
        Assert.Equal(1, ConcurrentJobs.Default(onGpu, 1, 16));
    }
}
