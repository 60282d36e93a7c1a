using Retention.Advice;
using Retention.Analysis;
using Retention.Artifacts;
using Retention.Pipeline;
using Retention.Spec;
using Xunit.Abstractions;

namespace Retention.Tests.Advice;

/// <summary>
/// The synthetic advice against training: for three mixtures, runs trained at a fixed width just above
/// and just below the advised rare frequency (×1.25 and ÷1.25) keep and lose the rare feature as advised.
/// </summary>
public class AdvisedFrequencyTrainingTests(ITestOutputHelper output) : InTempFolder("advice-train-")
{
    [Theory]
    [InlineData(4, 4, 1.0, 1.0, 6)]
    [InlineData(6, 4, 0.5, 1.5, 8)]
    [InlineData(4, 6, 1.5, 0.5, 10)]
    public async Task Runs_just_above_the_advised_frequency_keep_the_rare_feature_and_just_below_lose_it(int tasks, int dims, double beta, double alpha, int width)
    {
        var synthetic = new SyntheticSpec { Tasks = tasks, DimsPerTask = dims, FrequencyExponent = beta, SpectrumExponent = alpha, Width = width,
            Rare = new RareSpec { Frequency = 0.01 } };
        double advised = SyntheticAdvisor.MinFrequencies(synthetic, 0, [width])[0].MinRareFrequency;
        Assert.InRange(advised, 1e-3, 0.3);
        double above = advised * 1.25, below = advised / 1.25;
        var yaml = string.Join('\n',
            "name: advised", "device: cpu",
            $"synthetic: {{tasks: {tasks}, dims_per_task: {dims}, frequency_exponent: {beta}, spectrum_exponent: {alpha}, width: {width}, rare: {{frequency: 0.01}}}}",
            "train: {steps: 6000, batch_size: 256, lr: 0.01, log_every: 1000}",
            $"sweep: {{synthetic.rare.frequency: [{below:R}, {above:R}]}}");
        var result = await PipelineRunner.RunAsync(SpecLoader.LoadText(yaml, "advised.yaml"), dir, SilentProgress.Instance, CancellationToken.None, jobs: 2);
        using var catalog = ArtifactCatalog.Open(result.SweepDir);
        var rows = SqlRunner.Query(catalog.Connection,
            $"SELECT r.frequency, m.signal FROM metrics m JOIN rare r USING (run) WHERE m.task = {tasks} AND m.step = 6000 ORDER BY r.frequency").Rows;
        foreach (var row in rows) output.WriteLine($"advised {advised:G4}: frequency {row[0]} → rare signal {row[1]}");
        // The README's figures (signal > 0.99 kept, < 0.001 lost). Measured on the CPU: lost 1.0e-4 … 7.1e-4,
        // kept 0.9995 … 0.9998 over the three mixtures (the runs are seeded, so these move only with float rounding).
        Assert.Equal(2, rows.Count);
        Assert.True(Convert.ToDouble(rows[0][1]) < 0.001, $"below the advice ({below:G3}) the rare feature should be lost: signal {rows[0][1]}");
        Assert.True(Convert.ToDouble(rows[1][1]) > 0.99, $"above the advice ({above:G3}) the rare feature should be kept: signal {rows[1][1]}");
    }
}
