using DuckDB.NET.Data;
using Retention.Analysis;
using Retention.Spec;

namespace Retention.Tests.Analysis;

/// <summary>A heatmap's step overlay whose value is above every y reaches no cell: it lies on the plot's top border, where
/// nothing of it shows, so it has no legend entry either (synthetic-capacity's "all features retained" staircase on a cpu
/// profile whose widths all stay below the task's last feature). So too a line or points overlay drawn wholly outside the
/// cells, which the heatmap's limits clip away whole. Read from the plot the renderer draws, not from pixels.</summary>
public sealed class HeatmapOverlayLegendTests : IDisposable
{
    readonly DuckDBConnection connection = new("DataSource=:memory:");

    public HeatmapOverlayLegendTests()
    {
        connection.Open();
        SqlRunner.Execute(connection, """
            CREATE TABLE cells AS SELECT t AS task, w AS width, t::DOUBLE / w AS loss FROM range(0, 3) a(t), (VALUES (2), (4), (8)) b(w);
            CREATE TABLE theory AS SELECT * FROM (VALUES (0, 1, 3, 100), (1, 3, 9, 200), (2, 6, 64, 300)) t(task, first_width, full_width, never);
            CREATE TABLE crossing AS SELECT * FROM (VALUES (-5, 4), (10, 4)) t(task, width)
            """);
    }

    public void Dispose() => connection.Dispose();

    static OverlaySpec Step(string column, string label) =>
        new() { Sql = $"SELECT task, {column} FROM theory", X = "task", Y = column, Label = label, Style = "step" };

    static OverlaySpec Drawn(string style, string column, string label, string table = "theory") =>
        new() { Sql = $"SELECT task, {column} FROM {table}", X = "task", Y = column, Label = label, Style = style };

    List<string> Legend(params OverlaySpec[] overlays)
    {
        using var plot = PlotRenderer.Draw(connection, new PlotSpec
        {
            Name = "map", Kind = "heatmap", Sql = "SELECT * FROM cells", X = "task", Y = "width", Value = "loss", Overlays = overlays,
        });
        return [.. plot.GetPlottables().SelectMany(p => p.LegendItems).Select(i => i.LabelText).Where(t => !string.IsNullOrEmpty(t))];
    }

    [Fact]
    public void A_step_overlay_above_every_row_has_no_legend_entry()
    {
        Assert.Equal(["first"], Legend(Step("first_width", "first"), Step("never", "above every width")));
    }

    [Fact]
    public void A_step_overlay_above_the_rows_at_some_x_only_keeps_its_entry()
    {
        // full_width: 3 and 9 reach cells (4 and above the last, 8), 64 does not: the staircase still rises inside the plot.
        Assert.Equal(["first", "full"], Legend(Step("first_width", "first"), Step("full_width", "full")));
    }

    [Theory]
    [InlineData("line")]
    [InlineData("points")]
    public void A_line_or_points_overlay_above_every_row_has_no_legend_entry(string style)
    {
        // never: 100 to 300, far above the widest row (8); the cells end half a row above it.
        Assert.Equal(["first"], Legend(Step("first_width", "first"), Drawn(style, "never", "above every width")));
    }

    [Theory]
    [InlineData("line")]
    [InlineData("points")]
    public void A_line_or_points_overlay_inside_the_cells_at_some_x_keeps_its_entry(string style)
    {
        // full_width: 3 and 9 lie within the rows (9 just above 8's centre, inside its cell), 64 above them.
        Assert.Equal(["full"], Legend(Drawn(style, "full_width", "full")));
    }

    [Fact]
    public void A_line_through_the_cells_between_points_outside_them_keeps_its_entry()
    {
        // Its two points lie left and right of every task (-5 and 10), its segment across the middle row (width 4).
        Assert.Equal(["across"], Legend(Drawn("line", "width", "across", "crossing")));
        Assert.Empty(Legend(Drawn("points", "width", "across", "crossing")));
    }
}
