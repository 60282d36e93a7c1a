using DuckDB.NET.Data;
using Retention.Analysis;
using Retention.Spec;
using SkiaSharp;

namespace Retention.Tests.Analysis;

/// <summary>A heatmap's colours stretched to its data: olmo-frequency-phase's phase_test_accuracy painted a comparison
/// task's 0.47 (below chance, 0.5) the colormap's brightest, which reads as learned. With value_range the scale is fixed,
/// and a value beyond it takes the end colour. Read from the rendered pixels at each cell's centre.</summary>
public sealed class HeatmapValueRangeTests : IDisposable
{
    readonly DuckDBConnection connection = new("DataSource=:memory:");

    public HeatmapValueRangeTests()
    {
        connection.Open();
        SqlRunner.Execute(connection, """
            CREATE TABLE cells AS SELECT * FROM (VALUES ('a', 1, 0.47), ('b', 1, 0.30), ('c', 1, 1.2), ('d', 1, -0.1)) t(task, width, accuracy)
            """);
    }

    public void Dispose() => connection.Dispose();

    /// <summary>The colour of each cell's centre (tasks a, b, ... as the table has them) as rendered, and the colormap the
    /// heatmap drew with.</summary>
    (SKColor[] Cells, ScottPlot.IColormap Colormap) Render(IReadOnlyList<double>? range)
    {
        using var plot = PlotRenderer.Draw(connection, new PlotSpec
        {
            Name = "phase", Kind = "heatmap", Sql = "SELECT * FROM cells", X = "task", Y = "width", Value = "accuracy", ValueRange = range,
        });
        using var image = SKBitmap.Decode(plot.GetImageBytes(600, 400, ScottPlot.ImageFormat.Png));
        int count = Convert.ToInt32(SqlRunner.Query(connection, "SELECT count(*) FROM cells").Rows[0][0]);
        var cells = Enumerable.Range(0, count).Select(i => plot.GetPixel(new ScottPlot.Coordinates(i, 0)))
            .Select(p => image.GetPixel((int)p.X, (int)p.Y)).ToArray();
        return (cells, plot.GetPlottables().OfType<ScottPlot.Plottables.Heatmap>().Single().Colormap);
    }

    static void Near(ScottPlot.Color expected, SKColor actual, string what) =>
        Assert.True(Math.Abs(expected.R - actual.Red) <= 2 && Math.Abs(expected.G - actual.Green) <= 2 && Math.Abs(expected.B - actual.Blue) <= 2,
            $"{what}: expected {expected}, got {actual}");

    [Fact]
    public void A_value_range_places_each_value_on_that_scale_and_clamps_those_beyond()
    {
        var (cells, colormap) = Render([0, 1]);
        Near(colormap.GetColor(0.47), cells[0], "0.47 on [0, 1]");
        Near(colormap.GetColor(0.30), cells[1], "0.30 on [0, 1]");
        Near(colormap.GetColor(1.0), cells[2], "1.2, above the scale: its top colour");
        Near(colormap.GetColor(0.0), cells[3], "-0.1, below the scale: its bottom colour");
    }

    [Fact]
    public void A_range_wider_than_the_data_keeps_its_best_cell_off_the_top_colour()
    {
        // 0.47, the best of these two, is mid-scale on [0, 1]; on the data's own range it would be the top colour.
        SqlRunner.Execute(connection, "DELETE FROM cells WHERE task IN ('c', 'd')");
        var (cells, colormap) = Render([0, 1]);
        Near(colormap.GetColor(0.47), cells[0], "0.47 on [0, 1]");
        Near(colormap.GetColor(0.30), cells[1], "0.30 on [0, 1]");
    }

    [Fact]
    public void Without_a_range_the_scale_spans_the_data()
    {
        // -0.1 to 1.2: 0.47 sits at (0.47 + 0.1) / 1.3 of the way, the extremes at the ends.
        var (cells, colormap) = Render(null);
        Near(colormap.GetColor((0.47 + 0.1) / 1.3), cells[0], "0.47 on the data's range");
        Near(colormap.GetColor(1.0), cells[2], "1.2, the data's top");
        Near(colormap.GetColor(0.0), cells[3], "-0.1, the data's bottom");
    }
}
