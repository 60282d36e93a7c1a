using Retention.Analysis;
using Retention.Artifacts;
using Retention.Pipeline;
using Retention.Spec;
using Retention.Tests.Artifacts;
using Retention.Tests.Host;
using static Retention.Tests.Spec.SpecSamples;

namespace Retention.Tests.Analysis;

/// <summary>An analysis does not read the earlier outputs it writes again, so a damaged one does not stop it; a damaged
/// file it reads (a run's table, an output it does not write) still fails it, naming the file and what to do.</summary>
public class DamagedAnalysisOutputTests() : InTempFolder("damaged-analysis-")
{
    static readonly AnalysisSpec Counts = new() { Tables = [new AnalysisTableSpec { Name = "counts", Sql = "SELECT run, count(*) AS n FROM metrics GROUP BY run ORDER BY run" }] };

    static string Output(string sweep, string table) => Path.Combine(sweep, ArtifactLayout.AnalysisDir, table + ".arrow");

    static void Damage(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, "ARROW1 cut short");
    }

    [Fact]
    public async Task A_damaged_output_of_its_own_tables_is_written_again()
    {
        using var sweep = await AnalysisSweepFixture.CreateAsync();
        Damage(Output(sweep.Path, "counts"));

        var results = await AnalysisRunner.RunAsync(sweep.Path, Counts);

        Assert.Equal("w16=6,w8=6", string.Join(",", results.Single().Result.Rows.Select(r => $"{r[0]}={r[1]}")));
        using var catalog = ArtifactCatalog.Open(sweep.Path);   // what was written reads back
        Assert.Equal("w16=6,w8=6", string.Join(",", SqlRunner.Query(catalog.Connection, "SELECT run || '=' || n FROM counts ORDER BY run").Rows.Select(r => r[0])));
    }

    [Fact]
    public async Task A_damaged_output_it_does_not_write_or_a_damaged_run_table_fails_it_naming_the_file()
    {
        using var sweep = await AnalysisSweepFixture.CreateAsync();
        // An advice written by `pipeline advise` stays beside the analysis outputs; this analysis does not advise.
        var advice = Output(sweep.Path, "advice_widths");
        Damage(advice);
        var error = await Assert.ThrowsAsync<ArtifactException>(() => AnalysisRunner.RunAsync(sweep.Path, Counts));
        Assert.Equal(advice, error.FilePath);
        Assert.Contains("table 'advice_widths' cannot be loaded without it: delete the file", error.Message);
        Assert.False(File.Exists(Output(sweep.Path, "counts")));

        File.Delete(advice);
        var run = Path.Combine(sweep.Path, "runs", "w16", "metrics.arrow");
        DamagedArrow.Truncate(run);
        error = await Assert.ThrowsAsync<ArtifactException>(() => AnalysisRunner.RunAsync(sweep.Path, Counts));
        Assert.Equal(run, error.FilePath);
        Assert.Contains($"to train that run again, delete its directory {Path.Combine(sweep.Path, "runs", "w16")}", error.Message);
        Assert.False(File.Exists(Output(sweep.Path, "counts")));
    }

    const string Advising = """
        name: adv
        synthetic: {tasks: 2, dims_per_task: 2, width: 2, rare: {frequency: 0.05, gap: 1, rank_one: true, lambda: 1.0}}
        train: {steps: 10, batch_size: 8, log_every: 10}
        analysis:
          advise: {}
          tables:
            - {name: counts, sql: 'SELECT count(*) AS n FROM metrics'}

        """;

    [Fact]
    public async Task An_analysis_that_advises_writes_its_advice_again_over_a_damaged_one_and_analyze_says_so_through_the_CLI()
    {
        var pipeline = Load(Advising);
        var result = await PipelineRunner.RunAsync(pipeline, dir, SilentProgress.Instance, CancellationToken.None);
        var widths = Output(result.SweepDir, "advice_widths");
        var good = File.ReadAllBytes(widths);
        Damage(widths);
        Damage(Output(result.SweepDir, "counts"));

        await AnalysisRunner.RunAsync(result.SweepDir, pipeline.Spec.Analysis, pipeline: pipeline);

        Assert.Equal(good, File.ReadAllBytes(widths));   // the same advice, from the same theory
        using (var catalog = ArtifactCatalog.Open(result.SweepDir))
            Assert.Contains(catalog.Tables, t => t.Name == "counts");
        // Without the pipeline there is no advice to write: the damaged one is read, and fails.
        Damage(widths);
        var error = await Assert.ThrowsAsync<ArtifactException>(() => AnalysisRunner.RunAsync(result.SweepDir, pipeline.Spec.Analysis));
        Assert.Equal(widths, error.FilePath);

        // `pipeline analyze` reads the sweep's own pipeline.yaml, which advises: both damaged outputs are written again.
        Damage(Output(result.SweepDir, "counts"));
        var analyze = CliProcess.Run(dir, TimeSpan.FromMinutes(2), "analyze", result.SweepDir);
        Assert.True(analyze.Exit == 0, analyze.Err);
        Assert.Equal(good, File.ReadAllBytes(widths));
        Assert.DoesNotContain("loaded counts", analyze.Out);   // not read: about to be written again
        Assert.Contains("table counts: 1 row -> ", analyze.Out);   // one row, not "1 rows"

        // One it does not write (a stray table of another name is moved aside; an advice kind it does not write stays).
        var boundaries = Output(result.SweepDir, "advice_boundaries");
        Damage(boundaries);
        var refused = CliProcess.Run(dir, TimeSpan.FromMinutes(2), "analyze", result.SweepDir);
        Assert.Equal(2, refused.Exit);
        Assert.Contains($"error: {boundaries}: ", refused.Err);
        Assert.Contains("delete the file", refused.Err);
    }
}
