using Retention.Tests.Pipeline;

namespace Retention.Tests.Host;

/// <summary>
/// Native handles TorchSharp creates and does not root (an implicit Scalar, a p.grad wrapper) can be
/// freed by the collector while LibTorch still reads them: a crash or a garbage value that shows only
/// when a collection lands in that window. A tiny gen0 budget (DOTNET_GCgen0size) makes the collector
/// run every few allocations, and runs side by side allocate from two threads: the fused AdamW's
/// unrooted Scalars failed this 3 times in 3 ("Expected false to be true" in Scalar::toLong). Every run goes
/// through the multi-tensor gradient kernels, whose invoke holds only handles too, in two micro-batches; half
/// of them through the TorchScript rotary and SwiGLU (olmo.fused_elementwise), half in bf16, casting each
/// weight once per step (WeightCasts). 2,000 steps a run, a checkpoint among them: with the Scalars unrooted again
/// this failed 5 runs in 5 (at steps 330 to 1,940), while runs of 1,000 to 1,500 steps passed 8 in 8, so the length
/// is the test's power, not padding. The unstressed reference trains two runs at a time too (results do not depend on --jobs),
/// the first 1,000 steps only: with a constant learning rate a step's loss does not depend on the steps after it, and the
/// failures were crashes, which the stressed run's exit catches at any step (the reference was a third of the test's time).
/// </summary>
public sealed class CollectorStressTests() : InTempFolder("gc-stress-")
{
    const int ReferenceSteps = 1000;

    [Fact]
    public void Olmo_runs_side_by_side_train_under_a_collector_that_runs_every_few_allocations()
    {
        TinyCorpus.WriteShard(dir);
        File.WriteAllText(Path.Combine(dir, "olmo.yaml"), string.Join('\n', [.. TinyCorpus.SmallOlmoSweep("{olmo.fused_elementwise: [false, true], olmo.precision: [fp32, bf16], olmo.grad_accumulation: [2]}", checkpointEvery: 500, steps: 2000)
            .Select(l => l.StartsWith("train: {", StringComparison.Ordinal) ? l.Replace("train: {", "train: {lr_schedule: constant, ") : l)]) + "\n");
        var stressed = CliProcess.Run(dir, TimeSpan.FromMinutes(5), new Dictionary<string, string?> { ["DOTNET_GCgen0size"] = "0x20000" },
            "run", "olmo.yaml", "--jobs", "2", "--artifacts", "stressed", "--no-analysis");
        Assert.True(stressed.Exit == 0, stressed.Err + stressed.Out);
        // And the collector changed nothing: the same losses as without the stress.
        var plain = CliProcess.Run(dir, TimeSpan.FromMinutes(5), "run", "olmo.yaml", "--jobs", "2", "--artifacts", "plain", "--no-analysis",
            "--set", $"train.steps={ReferenceSteps}");
        Assert.True(plain.Exit == 0, plain.Err + plain.Out);
        string sql = $"SELECT run, step, loss, grad_norm FROM train WHERE step <= {ReferenceSteps} ORDER BY run, step";
        // All four runs up to the last compared step, so that an empty or short reference cannot pass.
        Assert.Equal($"4,{ReferenceSteps}", SweepRows.Of(Path.Combine(dir, "plain", "olmo"), "SELECT count(DISTINCT run), max(step) FROM train"));
        Assert.Equal(SweepRows.Of(Path.Combine(dir, "plain", "olmo"), sql), SweepRows.Of(Path.Combine(dir, "stressed", "olmo"), sql));
    }
}
