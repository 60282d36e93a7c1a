using Retention.Pipeline;
using Retention.Spec;
using Retention.Tests.Pipeline;

namespace Retention.Tests.Probes;

/// <summary>gradients.arrow's injection_step is true when the batch is an injection's (README: "step a multiple of G,
/// periodic probe steps included"), also for a task whose gap is below the 8 that adds the injection-step decompositions:
/// it read false there, so a periodic step's batch that carried the task's tokens was counted as a batch without them.</summary>
public class GradientInjectionStepTests() : InTempFolder("gradient-injection-step-")
{
    [Theory]
    [InlineData(4, "1:false:0,4:true:1,8:true:1,12:true:1")]
    [InlineData(1, "1:true:1,4:true:1,8:true:1,12:true:1")]   // continuous: every batch carries the task
    public async Task Injection_step_follows_the_schedule_for_a_short_gap(int gap, string expected)
    {
        TinyCorpus.WriteShard(dir);
        var yaml = string.Join('\n',
            "name: tiny", "experiment: olmo", "device: cpu",
            "data:",
            "  sources: [{paths: ['shards/*.jsonl'], epochs: 0}]",
            $"  tokenizer: {TinyCorpus.ByteTokenizerYaml()}",
            "  packing: {seq_len: 32, batch_size: 8, held_out_every: 10, validation_rows: 4}",
            $"  tasks: [{{kind: comparison, frequency: 0.02, gap: {gap}}}]",
            "olmo: {preset: 4M, layers: 2, hidden: 16, mlp_dim: 32, heads: 2, eval_every: 12, eval_instances: 8}",
            "train: {steps: 12, lr: 0.003, log_every: 4}",
            "probes: {every: 4, gradients: {neurons: 4, instances: 50}}") + "\n";
        var result = await PipelineRunner.RunAsync(SpecLoader.LoadText(yaml, "tiny.yaml"), Path.Combine(dir, "out"), SilentProgress.Instance,
            CancellationToken.None, dataDirectory: dir);
        // step:injection_step:whether the batch held task tokens
        Assert.Equal(expected, SweepRows.Of(result.SweepDir,
            "SELECT string_agg(step || ':' || injection_step || ':' || (task_tokens > 0)::INT, ',' ORDER BY step) FROM gradients"));
    }
}
