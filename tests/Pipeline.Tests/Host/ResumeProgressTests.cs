using Retention.Host.Output;
using Retention.Pipeline;
using static Retention.Tests.Spec.SpecSamples;

namespace Retention.Tests.Host;

/// <summary>A --resume counts the runs it skips as completed ("[4/16 runs finished]" was printed when all 16 were).</summary>
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
        Assert.Contains(lines, l => l.Contains("[4/4 runs completed]"));
    }

    [Fact]
    public async Task A_sweep_that_gains_a_seed_key_keeps_its_runs_under_their_new_ids()
    {
        // Trained without a seed key (seed 0 from the file), then resumed with seeds 0 and 1 as the README advises.
        var noSeed = Yaml("name: t", "synthetic: {tasks: 2, dims_per_task: 2}", "train: {steps: 10, batch_size: 8, log_every: 10}",
            "sweep:", "  synthetic.width: [2, 3]");
        await PipelineRunner.RunAsync(Load(noSeed), dir, SilentProgress.Instance, CancellationToken.None);
        var output = new StringWriter();
        var seeded = Load(noSeed + "  seed: [0, 1]\n");
        var result = await PipelineRunner.RunAsync(seeded, dir, new PlainProgress(TimeSpan.Zero, output), CancellationToken.None, resume: true);
        var lines = output.ToString().Split('\n');
        Assert.Contains(lines, l => l.StartsWith("width-2 continues as width-2_seed-0"));
        Assert.Contains(lines, l => l.StartsWith("width-3 continues as width-3_seed-0"));
        Assert.Equal(2, lines.Count(l => l.Contains("completed earlier, skipped")));
        Assert.False(Directory.Exists(Path.Combine(result.SweepDir, "previous")));
        // The kept runs' swept rows carry the new key, as the new runs' do.
        using var catalog = Retention.Artifacts.ArtifactCatalog.Open(result.SweepDir);
        var swept = Retention.Analysis.SqlRunner.Query(catalog.Connection, "SELECT run, seed FROM swept ORDER BY run").Rows;
        Assert.Equal(["width-2_seed-0:0", "width-2_seed-1:1", "width-3_seed-0:0", "width-3_seed-1:1"], swept.Select(r => $"{r[0]}:{r[1]}"));
        var named = Retention.Analysis.SqlRunner.Query(catalog.Connection, "SELECT swept FROM params WHERE run = 'width-2_seed-0'").Rows.Single()[0];
        Assert.Equal("width=2,seed=0", named);
    }
}
