using Retention.Pipeline;
using Retention.Spec;

namespace Retention.Tests.Pipeline;

/// <summary>The line a run with probes ends with: their time as a share of the training steps' time, which a run stopped
/// during its step-0 probes does not have (it said "410860910000.0% of the training steps' time").</summary>
public class ProbeShareLineTests() : InTempFolder("probe-share-")
{
    [Fact]
    public async Task A_run_stopped_before_its_first_step_says_the_probes_time_without_a_share()
    {
        // No validation set: its read would see the stop and end the run before step 0.
        var yaml = TinyCorpus.TinyOlmo(dir, steps: 20).Replace("held_out_every: 10, validation_rows: 4", "held_out_every: 0, validation_rows: 0") +
            "\nprobes: {every: 4, gradients: {neurons: 4, instances: 16}}\n";
        using var stop = new CancellationTokenSource();
        // Said before the step-0 probes run: the stop comes before any batch is fed.
        var progress = new StopOnInfo("parameters (vocabulary", stop);
        var result = await PipelineRunner.RunAsync(SpecLoader.LoadText(yaml, Path.Combine(dir, "tiny.yaml")), dir, progress, stop.Token,
            dataDirectory: dir, analyze: false);

        Assert.True(result.Interrupted);
        Assert.Equal(0, result.Runs.Single().Status.Steps);
        var line = progress.Messages.SingleOrDefault(m => m.Contains("probes took"));
        Assert.True(line is not null, string.Join("\n", progress.Messages));
        Assert.EndsWith(", before any training step", line);
    }
}
