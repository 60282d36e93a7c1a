using Retention.Spec;
using Retention.Synthetic;
using Retention.Theory;
using static TorchSharp.torch;
using Xunit.Abstractions;

namespace Retention.Tests.Synthetic;

public class ScratchConvergence(ITestOutputHelper output)
{
    [Theory]
    [InlineData(2)] [InlineData(4)] [InlineData(8)] [InlineData(12)]
    public void Scratch(int width)
    {
        var syn = new SyntheticSpec { Tasks = 4, DimsPerTask = 4, FrequencyExponent = 1.5, SpectrumExponent = 1.0, Width = width };
        var train = new TrainSpec { Steps = 3000, BatchSize = 256, Lr = 1e-2, LogEvery = 3000 };
        var m = TaskMixture.From(syn, 0);
        var floors = MixtureTheory.Floors(m, width);
        using var t = new SyntheticTrainer(m, syn, train, 0, CPU);
        var sw = System.Diagnostics.Stopwatch.StartNew();
        StepOutcome last = null!;
        foreach (var b in TaskSampler.Stream(m.Frequencies, train.BatchSize, 0, train.Steps)) last = t.Step(b);
        output.WriteLine($"width {width}: {sw.Elapsed.TotalSeconds:F1}s");
        for (int k = 0; k < 4; k++)
            output.WriteLine($"task {k}: loss {last.Metrics!.Loss[k]:F4} floor {floors[k].LossFloor:F4} trace {floors[k].Trace:F3} n={floors[k].Retained} signal {last.Metrics.Signal[k]:F3}");
    }
}
