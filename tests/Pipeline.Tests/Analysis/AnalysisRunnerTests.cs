using Apache.Arrow;
using Apache.Arrow.Ipc;
using Retention.Analysis;
using Retention.Spec;

namespace Retention.Tests.Analysis;

public class AnalysisRunnerTests
{
    private static readonly AnalysisTableSpec FinalLoss = new()
    {
        Name = "final_loss",
        Sql = """
            SELECT p.width, m.task, m.loss
            FROM metrics m JOIN params p USING (run)
            WHERE m.step = (SELECT max(step) FROM metrics)
            ORDER BY p.width, m.task;
            """,
    };

    // Uses the table before it: tables run in order and stay available.
    private static readonly AnalysisTableSpec Learned = new()
    {
        Name = "learned",
        Sql = "SELECT width, count(*) FILTER (WHERE loss < 0.2) AS tasks_learned FROM final_loss GROUP BY width ORDER BY width",
    };

    [Fact]
    public async Task Tables_run_in_order_and_are_written_as_arrow_and_plots_as_png()
    {
        using var sweep = await AnalysisSweepFixture.CreateAsync();
        var spec = new AnalysisSpec
        {
            Tables = [FinalLoss, Learned],
            Plots =
            [
                new PlotSpec
                {
                    Name = "final_loss_map", Kind = "heatmap", Sql = "SELECT * FROM final_loss", X = "task", Y = "width", Value = "loss",
                    Overlays = [new OverlaySpec { Sql = "SELECT tasks_learned, width FROM learned", X = "tasks_learned", Y = "width", Label = "learned" }],
                },
            ],
        };
        var log = new StringWriter();

        var results = await AnalysisRunner.RunAsync(sweep.Path, spec, log);

        Assert.Equal(["final_loss", "learned"], results.Select(r => r.Name));
        var learned = results[1].Result;
        Assert.Equal(new object?[] { 8, 1L }, learned.Rows[0]);
        Assert.Equal(new object?[] { 16, 3L }, learned.Rows[1]);

        using var reader = new ArrowFileReader(File.OpenRead(Path.Combine(sweep.Path, "analysis", "learned.arrow")));
        using var batch = (await reader.ReadNextRecordBatchAsync())!;
        Assert.Equal([8, 16], ((Int32Array)batch.Column("width")).Values.ToArray());
        Assert.Equal([1L, 3L], ((Int64Array)batch.Column("tasks_learned")).Values.ToArray());
        Assert.Equal(6, results[0].Result.Rows.Count);
        Assert.True(File.Exists(Path.Combine(sweep.Path, "analysis", "final_loss_map.png")));
        Assert.Contains("learned: 2 rows", log.ToString());
    }

    [Fact]
    public async Task A_failing_table_names_itself_and_keeps_the_tables_before_it()
    {
        using var sweep = await AnalysisSweepFixture.CreateAsync();
        var spec = new AnalysisSpec
        {
            Tables = [FinalLoss, new AnalysisTableSpec { Name = "broken", Sql = "SELECT no_such_column FROM final_loss" }, Learned],
        };

        var error = await Assert.ThrowsAsync<AnalysisException>(() => AnalysisRunner.RunAsync(sweep.Path, spec));

        Assert.StartsWith("analysis table 'broken': Binder Error", error.Message);
        Assert.True(File.Exists(Path.Combine(sweep.Path, "analysis", "final_loss.arrow")));
        Assert.False(File.Exists(Path.Combine(sweep.Path, "analysis", "broken.arrow")));
        Assert.False(File.Exists(Path.Combine(sweep.Path, "analysis", "learned.arrow")));
    }

    [Fact]
    public async Task A_failing_overlay_names_its_plot_and_position()
    {
        using var sweep = await AnalysisSweepFixture.CreateAsync();
        var spec = new AnalysisSpec
        {
            Plots =
            [
                new PlotSpec
                {
                    Name = "curves", Kind = "line", Sql = "SELECT step, loss, task FROM metrics", X = "step", Y = "loss", Series = "task",
                    Overlays = [new OverlaySpec { Sql = "SELECT step AS x, 1.0 AS y FROM metrics", X = "x", Y = "missing" }],
                },
            ],
        };

        var error = await Assert.ThrowsAsync<AnalysisException>(() => AnalysisRunner.RunAsync(sweep.Path, spec));

        Assert.StartsWith("plot 'curves' overlay 1:", error.Message);
        Assert.Contains("'missing'", error.Message);
    }

    [Theory]
    [InlineData("metrics", "run artifact")]
    [InlineData("../escape", "names must be")]
    public async Task Table_names_that_would_replace_artifacts_or_leave_the_folder_are_rejected(string name, string expected)
    {
        using var sweep = await AnalysisSweepFixture.CreateAsync();
        var spec = new AnalysisSpec { Tables = [new AnalysisTableSpec { Name = name, Sql = "SELECT 1" }] };

        var error = await Assert.ThrowsAsync<AnalysisException>(() => AnalysisRunner.RunAsync(sweep.Path, spec));

        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public async Task Running_again_replaces_the_previous_analysis_tables()
    {
        using var sweep = await AnalysisSweepFixture.CreateAsync();
        var spec = new AnalysisSpec { Tables = [FinalLoss, Learned] };
        await AnalysisRunner.RunAsync(sweep.Path, spec);

        // The second run loads analysis/*.arrow from the first into the catalog; CREATE OR REPLACE wins.
        var results = await AnalysisRunner.RunAsync(sweep.Path, spec);

        Assert.Equal(2, results[1].Result.Rows.Count);
    }
}
