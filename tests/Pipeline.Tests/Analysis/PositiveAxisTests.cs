using DuckDB.NET.Data;
using Retention.Advice;
using Retention.Analysis;
using Retention.Spec;

namespace Retention.Tests.Analysis;

/// <summary>A linear axis over values that are all positive starts at 0, not where ScottPlot's padding put it: the synthetic
/// advice plot showed widths down to -2 for the cpu profile of synthetic-residual (widths 1 to 64). A value at 0 keeps the padding (it would lie on the frame),
/// and a log axis is not touched. Read from the rendered plot's limits and ticks, not from pixels.</summary>
public sealed class PositiveAxisTests : IDisposable
{
    readonly DuckDBConnection connection = new("DataSource=:memory:");

    public PositiveAxisTests()
    {
        connection.Open();
        // The advice's widths table as SyntheticAsync writes it for 64 frequent features: widths 1 to 65, the last past
        // them (0, not plotted). ScottPlot pads 5% of the range each side: 3.15 widths, below 1.
        SqlRunner.Execute(connection, """
            CREATE TABLE advice_widths AS SELECT '' AS mixture, w AS width, CASE WHEN w < 65 THEN 0.5 / (w * w) ELSE 0 END AS min_rare_frequency,
                64 AS frequent_features FROM range(1, 66) t(w);
            CREATE TABLE curves AS SELECT s * 10 AS step, 2.0 - s * 0.1 AS loss FROM range(0, 11) t(s)
            """);
    }

    public void Dispose() => connection.Dispose();

    /// <summary>The rendered plot's limits and its axes' major tick positions.</summary>
    (ScottPlot.AxisLimits Limits, double[] Bottom, double[] Left) Rendered(PlotSpec spec)
    {
        using var plot = PlotRenderer.Draw(connection, spec);
        plot.GetImageBytes(spec.WidthPx, spec.HeightPx, ScottPlot.ImageFormat.Png);   // rendered as Render would
        double[] Ticks(ScottPlot.IAxis axis) => [.. axis.TickGenerator.Ticks.Where(t => t.IsMajor).Select(t => t.Position)];
        return (plot.Axes.GetLimits(), Ticks(plot.Axes.Bottom), Ticks(plot.Axes.Left));
    }

    [Fact]
    public void The_advice_plot_s_width_axis_has_no_negative_widths()
    {
        var (limits, bottom, _) = Rendered(AdviceReport.WidthPlot(bySeries: false));
        Assert.Equal(0, limits.Left);
        Assert.All(bottom, t => Assert.True(t >= 0, $"a tick at width {t}"));
        Assert.True(limits.Right > 64, $"the widest plotted width (64) is inside: right limit {limits.Right}");
    }

    [Fact]
    public void A_positive_linear_y_starts_at_0_and_a_value_at_0_keeps_the_padding()
    {
        // loss - 0.99 runs 0.01 to 1.01: the padding (0.05) would reach below 0. step runs 0 to 100, and its 0 is a value.
        var spec = new PlotSpec { Name = "c", Kind = "line", Sql = "SELECT step, loss - 0.99 AS loss FROM curves", X = "step", Y = "loss" };
        var (limits, _, left) = Rendered(spec);
        Assert.Equal(0, limits.Bottom);
        Assert.All(left, t => Assert.True(t >= 0, $"a tick at loss {t}"));
        Assert.True(limits.Left < 0, $"step 0 is a value: kept off the frame, left limit {limits.Left}");
        var untouched = Rendered(spec with { Sql = "SELECT step, loss FROM curves" }).Limits;
        Assert.True(untouched.Bottom is > 0 and < 1, $"1.0 to 2.0 padded as before: bottom {untouched.Bottom}");
    }

    [Fact]
    public void A_log_axis_is_left_alone()
    {
        // The advice's frequency axis: log10 coordinates, below 0 for frequencies below 1.
        var (limits, _, _) = Rendered(AdviceReport.WidthPlot(bySeries: false));
        Assert.True(limits.Bottom < Math.Log10(0.5 / (64 * 64)), $"bottom {limits.Bottom}");
    }
}
