using Retention.Pipeline;
using Retention.Spec;

namespace Retention.Tests.Pipeline;

/// <summary>
/// Every CPU profile of every shipped OLMo pipeline, shrunk to one-layer models, four steps and a
/// generated shard, runs end to end with its own analysis: each declared table and plot must come
/// out. The SQL is otherwise first run after minutes or hours of training (a GROUP BY error in a
/// plot once surfaced only at the end of a 22-minute run).
/// </summary>
public class ShippedOlmoAnalysisTests() : InTempFolder("olmo-analysis-")
{
    /// <summary>Probes shrunk with the model: sites in its one layer, short DAS, and enough steps for two of
    /// the gap-100 injections the retention and interference plots read.</summary>
    static readonly string[] Probes = ["probes.every=2", "probes.das.layer=1", "probes.das.steps=5", "probes.fourier.layer=1"];
    static readonly string[] TwoInjections = ["train.steps=210", "probes.gradients.instances=200"];

    public static TheoryData<string, string, string[]> CpuProfiles() => new()
    {
        { "olmo-frequency-phase.yaml", "cpu", [] },
        { "olmo-frequency-phase.yaml", "cpu-capacity", [] },
        { "olmo-order-and-gap.yaml", "cpu", [] },
        { "olmo-task-vs-lm.yaml", "cpu", [] },
        { "olmo-compute.yaml", "cpu", [] },
        { "olmo-representations.yaml", "cpu", Probes },
        { "olmo-injection-retention.yaml", "cpu", TwoInjections[..1] },
        { "olmo-gradient-interference.yaml", "cpu", ["probes.every=50", .. TwoInjections] },
    };

    [Theory]
    [MemberData(nameof(CpuProfiles))]
    public async Task RunsTinyWithEveryDeclaredTableAndPlot(string file, string profile, string[] extra)
    {
        TinyCorpus.WriteShard(dir);
        var pipeline = SpecLoader.Load(RepoFiles.Pipeline(file), profile,
        [
            "data.sources=[{paths: ['shards/*.jsonl'], epochs: 0}]",
            $"data.tokenizer={TinyCorpus.ByteTokenizerYaml()}",
            "olmo={layers: 1, eval_every: 2, eval_instances: 8}",   // the sizes keep their widths: the heatmaps need distinct sizes
            "train={steps: 4, warmup_steps: 1, log_every: 1}",
            .. extra,
        ]);
        Assert.True(pipeline.Spec.Analysis.Tables.Count > 0, $"{file} declares no analysis tables");
        var result = await PipelineRunner.RunAsync(pipeline, Path.Combine(dir, "artifacts"), SilentProgress.Instance,
            CancellationToken.None, dataDirectory: dir);
        Assert.All(result.Runs, r => Assert.Equal("completed", r.Status.State));
        // Every declared table, then the advice tables when the analysis asks for advice.
        Assert.Equal([.. pipeline.Spec.Analysis.Tables.Select(t => t.Name), .. pipeline.Spec.Analysis.Advise is null ? [] : new[] { "advice_boundaries", "advice_factors" }],
            result.Tables.Select(t => t.Name));
        foreach (var plot in pipeline.Spec.Analysis.Plots)
            Assert.True(File.Exists(Path.Combine(result.SweepDir, "analysis", plot.Name + ".png")), $"plot {plot.Name} missing");
    }

    /// <summary>The tables these profiles print after a two-seed sweep say how many seeds each row averages, as the
    /// README says every averaged table does; learning_order, gap_effect and retention_summary, built on a seed mean,
    /// did not. Injection-retention trains three injections so that retention_summary's second half has a row.</summary>
    [Theory]
    [InlineData("olmo-order-and-gap.yaml", new[] { "curves", "learning_order", "gap_effect" }, new string[0])]
    [InlineData("olmo-injection-retention.yaml", new[] { "retention", "retention_summary" }, new[] { "train.steps=310" })]
    public async Task PrintedTablesCountTheSeedsTheyAverage(string file, string[] tables, string[] extra)
    {
        TinyCorpus.WriteShard(dir);
        var pipeline = SpecLoader.Load(RepoFiles.Pipeline(file), "cpu",
        [
            "data.sources=[{paths: ['shards/*.jsonl'], epochs: 0}]",
            $"data.tokenizer={TinyCorpus.ByteTokenizerYaml()}",
            "olmo={layers: 1, eval_every: 2, eval_instances: 8}",
            "train={steps: 4, warmup_steps: 1, log_every: 1}",
            "sweep.seed=[0,1]",
            .. extra,
        ]);
        var result = await PipelineRunner.RunAsync(pipeline, Path.Combine(dir, "artifacts"), SilentProgress.Instance,
            CancellationToken.None, dataDirectory: dir);
        foreach (var name in tables)
        {
            var table = result.Tables.Single(t => t.Name == name).Result;
            Assert.True(table.Rows.Count > 0, $"{name} has no rows");
            int seeds = table.ColumnNames.ToList().IndexOf("seeds");
            Assert.True(seeds >= 0, $"{name} has no seeds column: {string.Join(", ", table.ColumnNames)}");
            Assert.All(table.Rows, r => Assert.Equal(2L, Convert.ToInt64(r[seeds])));
        }
    }
}
