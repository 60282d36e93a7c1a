using Retention.Host.Output;
using Retention.Pipeline;
using static Retention.Tests.Spec.SpecSamples;

namespace Retention.Tests.Host;

/// <summary>A --resume counts the runs it skips as finished ("[4/16 runs finished]" was printed when all 16 were).</summary>
public class ResumeProgressTests() : InTempFolder("resume-progress-")
{
    static string Sweep(string seeds) => Yaml("name: t", "synthetic: {tasks: 2, dims_per_task: 2}",
        "train: {steps: 10, batch_size: 8, log_every: 10}", "sweep:", $"  seed: [{seeds}]", "  synthetic.width: [2, 3]");

    [Fact]
    public async Task Runs_completed_earlier_count_toward_the_finished_total()
    {
        await PipelineRunner.RunAsync(Load(Sweep("0")), dir, SilentProgress.Instance, CancellationToken.None);
        var output = new StringWriter();
        // Two runs (seed 0) completed before; the resume trains the two of seed 1 (trained together, one group).
        await PipelineRunner.RunAsync(Load(Sweep("0, 1")), dir, new PlainProgress(TimeSpan.Zero, output), CancellationToken.None, resume: true);
        var lines = output.ToString().Split('\n');
        Assert.Equal(2, lines.Count(l => l.Contains("completed earlier, skipped")));
        Assert.Contains(lines, l => l.Contains("[4/4 runs finished]"));
    }
}
