using System.Buffers.Binary;
using DuckDB.NET.Data;
using Retention.Analysis;
using Retention.Spec;
using Retention.Tests.Artifacts;

namespace Retention.Tests.Analysis;

public class PlotRendererTests : IDisposable
{
    private static readonly byte[] PngSignature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    private readonly DuckDBConnection _connection = new("DataSource=:memory:");
    private readonly ArtifactTempDir _dir = new();

    public PlotRendererTests()
    {
        _connection.Open();
        // width x task grid with one cell missing (width 64, task 3), as when a run was cut short.
        SqlRunner.Execute(_connection, """
            CREATE TABLE final_loss AS
            SELECT w AS width, t AS task, t::DOUBLE / w AS loss
            FROM range(1, 5) a(t), (VALUES (8), (16), (32), (64)) b(w)
            WHERE NOT (w = 64 AND t = 3)
            """);
        SqlRunner.Execute(_connection, "CREATE TABLE staircase AS SELECT * FROM (VALUES (1, 8), (2, 16), (3, 24), (4, 64)) t(tasks, width)");
    }

    public void Dispose()
    {
        _connection.Dispose();
        _dir.Dispose();
    }

    private static (int Width, int Height) PngSize(string path)
    {
        var bytes = File.ReadAllBytes(path);
        Assert.Equal(PngSignature, bytes[..8]);
        Assert.Equal("IHDR", System.Text.Encoding.ASCII.GetString(bytes, 12, 4));
        return (BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(16)), BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(20)));
    }

    [Fact]
    public void Heatmap_with_overlay_renders_a_png_of_the_requested_size()
    {
        var spec = new PlotSpec
        {
            Name = "map", Kind = "heatmap", Sql = "SELECT task, width, loss FROM final_loss", X = "task", Y = "width", Value = "loss",
            Title = "Final loss", LogY = true, WidthPx = 640, HeightPx = 480,
            Overlays = [new OverlaySpec { Sql = "SELECT tasks, width FROM staircase", X = "tasks", Y = "width", Label = "theory", Style = "step" }],
        };
        var path = _dir.File("analysis", "map.png");

        PlotRenderer.Render(_connection, spec, path);

        Assert.Equal((640, 480), PngSize(path));
        Assert.False(File.Exists(path + ".tmp"));
    }

    [Theory]
    [InlineData("line")]
    [InlineData("scatter")]
    public void Series_plots_render_a_png_of_the_requested_size(string kind)
    {
        var spec = new PlotSpec
        {
            Name = "curves", Kind = kind, Sql = "SELECT task, width, loss FROM final_loss", X = "width", Y = "loss", Series = "task",
            LogX = true, LogY = true, WidthPx = 800, HeightPx = 500,
            Overlays = [new OverlaySpec { Sql = "SELECT width, 1.0 / width AS loss FROM staircase", X = "width", Y = "loss", Style = "line", Label = "1/N" }],
        };
        var path = _dir.File("curves.png");

        PlotRenderer.Render(_connection, spec, path);

        Assert.Equal((800, 500), PngSize(path));
    }

    [Fact]
    public void Two_rows_for_one_heatmap_cell_ask_for_aggregation()
    {
        var spec = new PlotSpec { Name = "dup", Kind = "heatmap", Sql = "SELECT 1 AS x, 1 AS y, v AS z FROM range(2) t(v)", X = "x", Y = "y", Value = "z" };

        var error = Assert.Throws<AnalysisException>(() => PlotRenderer.Render(_connection, spec, _dir.File("dup.png")));

        Assert.StartsWith("plot 'dup':", error.Message);
        Assert.Contains("aggregate", error.Message);
        Assert.False(File.Exists(_dir.File("dup.png")));
    }

    [Fact]
    public void An_unknown_kind_is_an_error_naming_the_plot()
    {
        var spec = new PlotSpec { Name = "pie", Kind = "pie", Sql = "SELECT 1 AS x, 2 AS y", X = "x", Y = "y" };

        var error = Assert.Throws<AnalysisException>(() => PlotRenderer.Render(_connection, spec, _dir.File("pie.png")));

        Assert.Contains("plot 'pie'", error.Message);
        Assert.Contains("unknown plot kind", error.Message);
    }
}
