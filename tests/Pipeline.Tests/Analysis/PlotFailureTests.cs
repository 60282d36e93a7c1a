using Retention.Analysis;
using Retention.Pipeline;
using static Retention.Tests.Spec.SpecSamples;

namespace Retention.Tests.Analysis;

/// <summary>A plot that cannot be drawn (its query has no rows) fails the analysis by name, after the plots
/// behind it are drawn: one bad filter no longer costs every later figure.</summary>
public class PlotFailureTests() : InTempFolder("plot-failure-")
{
    static string Plot(string name, string where) =>
        $"    - {{name: {name}, kind: scatter, sql: 'SELECT step, loss FROM metrics WHERE {where}', x: step, y: loss}}";

    [Fact]
    public async Task Later_plots_are_drawn_and_every_failed_plot_is_named()
    {
        var yaml = Yaml("name: t", "synthetic: {tasks: 2, dims_per_task: 2, width: 2}", "train: {steps: 10, batch_size: 8, log_every: 10}",
            "analysis:", "  plots:", Plot("empty", "task = 99"), Plot("drawn", "true"), Plot("also_empty", "step < 0"));
        var trained = await PipelineRunner.RunAsync(Load(yaml), dir, SilentProgress.Instance, CancellationToken.None, analyze: false);

        var error = await Assert.ThrowsAsync<AnalysisException>(() => AnalysisRunner.RunAsync(trained.SweepDir, Load(yaml).Spec.Analysis));
        Assert.Contains("plot 'empty': the query returned no rows", error.Message);
        Assert.Contains("plot 'also_empty': the query returned no rows", error.Message);
        var analysis = Path.Combine(trained.SweepDir, "analysis");
        Assert.Equal(["drawn.png"], Directory.GetFiles(analysis, "*.png").Select(Path.GetFileName));
    }

    [Fact]
    public async Task Each_failed_plot_is_said_where_it_is_declared_and_the_recorded_outcome_has_no_positions()
    {
        string[] plots = [Plot("empty", "task = 99"), Plot("drawn", "true"), Plot("also_empty", "step < 0")];
        var yaml = Yaml(["name: t", "synthetic: {tasks: 2, dims_per_task: 2, width: 2}", "train: {steps: 10, batch_size: 8, log_every: 10}",
            "analysis:", "  plots:", .. plots]);
        var pipeline = Load(yaml);
        var trained = await PipelineRunner.RunAsync(pipeline, dir, SilentProgress.Instance, CancellationToken.None, analyze: false);

        var error = await Assert.ThrowsAsync<AnalysisException>(() => AnalysisRunner.RunAsync(trained.SweepDir, pipeline.Spec.Analysis, pipeline: pipeline));
        // The plots are lines 6 and 8 of the file; each position is its quoted sql value.
        Assert.Contains($"test.yaml:6:{plots[0].IndexOf("'SELECT", StringComparison.Ordinal) + 1}: plot 'empty': the query returned no rows", error.Message);
        Assert.Contains($"test.yaml:8:{plots[2].IndexOf("'SELECT", StringComparison.Ordinal) + 1}: plot 'also_empty': the query returned no rows", error.Message);
        // `status` prints the recorded outcome later, from anywhere: no path relative to where this ran.
        var recorded = AnalysisOutcome.Read(trained.SweepDir)!.Error!;
        Assert.Contains("plot 'empty': the query returned no rows", recorded);
        Assert.DoesNotContain("test.yaml", recorded);
        // The file holds what README's Artifacts listing says, no more: it held "said" too, the error at positions relative
        // to the folder this ran in ("test.yaml:6:..."), which the outcome keeps out of it (and a copy of finished).
        using var file = System.Text.Json.JsonDocument.Parse(File.ReadAllText(AnalysisOutcome.PathOf(trained.SweepDir)));
        Assert.Equal(["state", "error", "finished", "at", "failed_steps", "tables", "not_written", "moved_to"], file.RootElement.EnumerateObject().Select(p => p.Name));
        Assert.All(file.RootElement.GetProperty("failed_steps").EnumerateArray(),
            step => Assert.StartsWith(Path.Combine(Directory.GetCurrentDirectory(), "test.yaml:"), step.GetProperty("at").GetString()));
    }
}
