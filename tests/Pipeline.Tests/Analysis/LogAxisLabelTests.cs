using DuckDB.NET.Data;
using Retention.Analysis;
using Retention.Analysis.Plots;
using Retention.Spec;

namespace Retention.Tests.Analysis;

/// <summary>A log axis labels the whole of its range, however narrow, and a series legend says which column its values
/// are of. Read from the plot the renderer draws (its axes' tick generators and legend items), not from pixels.</summary>
public sealed class LogAxisLabelTests : IDisposable
{
    readonly DuckDBConnection connection = new("DataSource=:memory:");

    public LogAxisLabelTests()
    {
        connection.Open();
        // Three widths' losses over 0.68–1.75: under half a decade, the case whose upper half had no label.
        SqlRunner.Execute(connection, """
            CREATE TABLE curves AS SELECT * FROM (VALUES
                (2, 0, 1.75), (2, 100, 1.70), (2, 200, 1.62),
                (4, 0, 1.52), (4, 100, 1.40), (4, 200, 1.31),
                (8, 0, 0.95), (8, 100, 0.80), (8, 200, 0.68)) t(width, step, loss)
            """);
    }

    public void Dispose() => connection.Dispose();

    static PlotSpec Line(string sql, bool logY = true) =>
        new() { Name = "curves", Kind = "line", Sql = sql, X = "step", Y = "loss", Series = "width", LogY = logY };

    /// <summary>The left axis's ticks as the rendered plot has them: (value, label).</summary>
    (double Value, string Label)[] LeftTicks(PlotSpec spec)
    {
        using var plot = PlotRenderer.Draw(connection, spec);
        plot.GetImageBytes(spec.WidthPx, spec.HeightPx, ScottPlot.ImageFormat.Png);   // rendered as Render would
        return [.. plot.Axes.Left.TickGenerator.Ticks.Where(t => t.IsMajor).Select(t => (Math.Pow(10, t.Position), t.Label)).OrderBy(t => t.Item1)];
    }

    [Fact]
    public void Data_at_0_68_to_1_75_gets_labels_up_to_its_top()
    {
        var ticks = LeftTicks(Line("SELECT * FROM curves"));
        Assert.Equal(["0.7", "0.8", "0.9", "1", "1.2", "1.4", "1.6"], ticks.Select(t => t.Label));
        Assert.All(ticks, t => Assert.Equal(double.Parse(t.Label, System.Globalization.CultureInfo.InvariantCulture), t.Value, 1e-9));
        // The curves at 1.4 and 1.7 lie within a label's step of one, not in an unlabelled band above 1.
        Assert.True(Math.Log10(1.75) - Math.Log10(ticks[^1].Value) <= AxisTicks.MaxEdgeShare * (Math.Log10(1.75) - Math.Log10(0.68)));
    }

    /// <summary>A line per width through the given losses (lowest and highest give the range).</summary>
    static string Losses(double low, double high) =>
        FormattableString.Invariant($"SELECT * FROM (VALUES (2, 0, {low}), (2, 100, {Math.Sqrt(low * high)}), (4, 0, {high}), (4, 100, {high})) t(width, step, loss)");

    [Fact]
    public void Two_decades_get_1_2_5_and_more_get_the_decades_alone()
    {
        // 0.03–4: decades would label only 0.1 and 1.
        Assert.Equal(["0.05", "0.1", "0.2", "0.5", "1", "2"], LeftTicks(Line(Losses(0.03, 4))).Select(t => t.Label));
        Assert.Equal(["0.001", "0.01", "0.1", "1", "10"], LeftTicks(Line(Losses(0.0008, 30))).Select(t => t.Label));
    }

    [Theory]
    [InlineData(0.68, 1.75, new[] { 0.7, 0.8, 0.9, 1, 1.2, 1.4, 1.6 })]   // 1…9 leaves 1–1.75 bare: 1.2, 1.4, ...
    [InlineData(1.05, 1.95, new[] { 1.2, 1.4, 1.6, 1.8 })]                // no 1…9 tick inside at all
    [InlineData(1.0, 1.032, new[] { 1.0, 1.01, 1.02, 1.03 })]             // too narrow for any: round values evenly spaced
    public void Ranges_under_a_decade_get_finer_round_ticks(double low, double high, double[] expected)
    {
        var ticks = AxisTicks.LogTickValues(Math.Log10(low), Math.Log10(high));
        Assert.Equal(expected.Length, ticks.Count);
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], ticks[i], 1e-12);
    }

    [Fact]
    public void Every_range_is_labelled_from_end_to_end_with_three_to_ten_ticks()
    {
        var random = new Random(7);
        for (int n = 0; n < 5000; n++)
        {
            double min = random.NextDouble() * 20 - 10, span = Math.Pow(10, random.NextDouble() * 4.5 - 3);   // 0.001 to 30 decades
            var ticks = AxisTicks.LogTickValues(min, min + span);
            var logs = ticks.Select(Math.Log10).ToList();
            var at = $"[{min}, {min + span}]: {string.Join(", ", ticks)}";
            Assert.True(ticks.Count is >= 3 and <= 10, at);
            Assert.True(logs.Zip(logs.Skip(1), (a, b) => b > a).All(up => up), at);
            Assert.True(logs[0] >= min - 1e-6 && logs[^1] <= min + span + 1e-6, at);
            Assert.True(logs[0] - min <= AxisTicks.MaxEdgeShare * span + 1e-6 && min + span - logs[^1] <= AxisTicks.MaxEdgeShare * span + 1e-6, at);
            Assert.True(logs.Zip(logs.Skip(1), (a, b) => b - a).All(g => g <= AxisTicks.MaxInnerShare * span + 1e-6), at);
        }
    }

    [Fact]
    public void Ticks_of_a_range_narrower_than_six_digits_keep_distinct_labels()
    {
        // 1 to 1.0000002: G6 wrote each of 1, 1.0000001 and 1.0000002 as "1".
        var labels = LeftTicks(Line(Losses(1, 1.0000002))).Select(t => t.Label).ToList();
        Assert.Equal(labels.Count, labels.Distinct().Count());
        Assert.Equal("1", labels[0]);
    }

    [Fact]
    public void An_overlay_beyond_the_data_is_labelled_too()
    {
        // The axis takes in the overlay's points (a theory line at 0.01 and 30, below and above the losses at 0.68–1.75): its
        // ticks must reach them, not stop at the data's range with the rest of the axis unlabelled.
        var spec = Line("SELECT * FROM curves") with
        {
            Overlays = [new OverlaySpec { Sql = "SELECT * FROM (VALUES (0, 0.01), (200, 30.0)) t(x, y)", X = "x", Y = "y", Style = "line" }],
        };
        var ticks = LeftTicks(spec);
        double low = Math.Log10(0.01), high = Math.Log10(30), range = high - low;
        Assert.True(Math.Log10(ticks[0].Value) - low <= AxisTicks.MaxEdgeShare * range + 1e-9, string.Join(", ", ticks.Select(t => t.Label)));
        Assert.True(high - Math.Log10(ticks[^1].Value) <= AxisTicks.MaxEdgeShare * range + 1e-9, string.Join(", ", ticks.Select(t => t.Label)));
    }

    [Fact]
    public void The_legend_names_the_series_column_in_every_entry()
    {
        SqlRunner.Execute(connection, "INSERT INTO curves VALUES (NULL, 0, 1.0)");
        using var plot = PlotRenderer.Draw(connection, Line("SELECT * FROM curves", logY: false));
        var entries = plot.GetPlottables().SelectMany(p => p.LegendItems).Select(i => i.LabelText).ToList();
        Assert.Equal(["width=NULL", "width=2", "width=4", "width=8"], entries);
    }

    [Fact]
    public void A_text_series_value_stands_alone_in_the_legend()
    {
        // Every shipped line plot composes its series as text in a `curve` column: "curve=N=2, G=50" said its column for nothing.
        // NULL, numbers and booleans still need it.
        List<string> Legend(string series)
        {
            using var plot = PlotRenderer.Draw(connection, Line($"SELECT step, loss, {series} AS curve FROM curves", logY: false) with { Series = "curve" });
            return [.. plot.GetPlottables().SelectMany(p => p.LegendItems).Select(i => i.LabelText)];
        }
        Assert.Equal(["N=2, G=50", "N=4, G=50", "N=8, G=50"], Legend("'N=' || width || ', G=50'"));
        Assert.Equal(["curve=NULL", "narrow", "wide"], Legend("CASE WHEN width = 8 THEN 'wide' WHEN width = 4 THEN 'narrow' END"));
        Assert.Equal(["curve=False", "curve=True"], Legend("width > 4"));
    }

    [Fact]
    public void Seeds_as_the_series_keep_a_colour_each()
    {
        // The column name in the label must not read as a seed of one configuration ("seed=1" → a pattern, one colour).
        SqlRunner.Execute(connection, "CREATE TABLE seeds AS SELECT CASE width WHEN 2 THEN 0 WHEN 4 THEN 1 ELSE 2 END AS seed, step, loss FROM curves");
        using var plot = PlotRenderer.Draw(connection, new PlotSpec { Name = "s", Kind = "line", Sql = "SELECT * FROM seeds", X = "step", Y = "loss", Series = "seed" });
        var lines = plot.GetPlottables().OfType<ScottPlot.Plottables.Scatter>().ToList();
        Assert.Equal(["seed=0", "seed=1", "seed=2"], lines.Select(l => l.LegendText));
        Assert.Equal(3, lines.Select(l => l.Color).Distinct().Count());
        Assert.All(lines, l => Assert.Equal(ScottPlot.LinePattern.Solid, l.LinePattern));
    }
}
