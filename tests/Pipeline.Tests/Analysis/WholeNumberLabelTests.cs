using DuckDB.NET.Data;
using Retention.Analysis;
using Retention.Analysis.Plots;
using Retention.Spec;

namespace Retention.Tests.Analysis;

/// <summary>Whole numbers label a plot in full: olmo-frequency-phase's heatmaps put model sizes on their y axis, which read
/// 1.246E+05 and 5.967E+05 for the 124,608- and 596,736-parameter models, rounded, where `advise --size` wants the exact count.</summary>
public sealed class WholeNumberLabelTests
{
    [Fact]
    public void A_heatmap_labels_its_sizes_in_full()
    {
        using var connection = new DuckDBConnection("DataSource=:memory:");
        connection.Open();
        SqlRunner.Execute(connection, """
            CREATE TABLE final_tasks AS SELECT * FROM (VALUES
                ('cmp_3e-3', 124608, 0.91), ('cmp_1e-3', 124608, 0.72), ('cmp_3e-3', 596736, 0.95), ('cmp_1e-3', 596736, 0.88)) t(task, parameters, acc)
            """);
        using var plot = PlotRenderer.Draw(connection, new PlotSpec
        {
            Name = "phase", Kind = "heatmap", Sql = "SELECT * FROM final_tasks", X = "task", Y = "parameters", Value = "acc",
        });
        plot.GetImageBytes(600, 400, ScottPlot.ImageFormat.Png);   // rendered as Render would: the ticks are generated then
        Assert.Equal(["124,608", "596,736"], plot.Axes.Left.TickGenerator.Ticks.Where(t => t.IsMajor).OrderBy(t => t.Position).Select(t => t.Label));
    }

    [Theory]
    [InlineData(8, "8")]
    [InlineData(10000L, "10,000")]
    [InlineData(9701760.0, "9,701,760")]
    [InlineData(-3, "-3")]
    [InlineData(0.001, "0.001")]
    [InlineData(1234.5678, "1235")]
    [InlineData(2.4e-7, "2.4E-07")]
    [InlineData(1e20, "1E+20")]
    public void Whole_numbers_are_written_in_full_others_to_four_digits(object value, string label) =>
        Assert.Equal(label, PlotValues.Label(value));
}
