using ScottPlot;
using Retention.Spec;

namespace Retention.Analysis.Plots;

/// <summary>
/// Line or scatter plot with one series per distinct value of the <c>series</c> column (sorted,
/// numerically when numeric) and a legend of column=value entries (text values alone). A non-numeric x becomes a categorical axis. Log axes
/// plot log10 of the values and drop values ≤ 0.
/// </summary>
internal static class SeriesPlot
{
    private const int MaxCategoricalColors = 10;

    public static void Draw(Plot plot, PlotSpec spec, QueryResult data, IReadOnlyList<OverlayInput> overlays, bool lines)
    {
        var xs = data.Column(spec.X);
        var ys = data.Column(spec.Y);
        var series = spec.Series is null ? null : data.Column(spec.Series);
        if (xs.Count == 0) throw new InvalidOperationException("the query returned no rows to plot");

        var xCategories = xs.Where(v => v is not null).All(PlotValues.IsNumeric) ? null : CategoryAxis.From(xs);
        Func<object?, double> mapX = xCategories is null
            ? v => AxisTicks.Scale(PlotValues.ToDouble(v), spec.LogX)
            : v => xCategories.Position(v, log: false);
        Func<object?, double> mapY = v => AxisTicks.Scale(PlotValues.ToDouble(v), spec.LogY);

        var seriesAxis = series is null ? null : CategoryAxis.From(series);
        var groups = Enumerable.Range(0, xs.Count)
            .GroupBy(r => seriesAxis?.IndexOf(series![r]) ?? 0)
            .OrderBy(g => g.Key)
            .ToList();
        // Series that differ only in their seed (run ids like width-8_seed-1) share a colour and
        // differ in line pattern, so each configuration keeps one colour whatever the seeds plotted.
        var labels = groups.Select(g => seriesAxis is null ? "" : g.Key < 0 ? "NULL" : seriesAxis.Label(g.Key)).ToList();
        var colourKeys = labels.Select(SeriesStyle.ColourKey).ToList();
        var distinctKeys = colourKeys.Distinct().ToList();
        // Text values say what they are ("N=24, G=50", "rare"): the shipped pipelines compose them in a `curve` column,
        // whose name before each would only add noise ("curve=N=24, G=50"). Numbers and booleans need their column.
        bool textSeries = series is not null && series.Where(v => v is not null).All(v => v is string);
        var drawn = 0;
        var (minX, maxX, minY, maxY) = (double.PositiveInfinity, double.NegativeInfinity, double.PositiveInfinity, double.NegativeInfinity);
        for (var g = 0; g < groups.Count; g++)
        {
            var points = groups[g]
                .Select(r => new Coordinates(mapX(xs[r]), mapY(ys[r])))
                .Where(p => double.IsFinite(p.X) && double.IsFinite(p.Y))
                .ToList();
            if (lines) points = [.. points.OrderBy(p => p.X)];
            if (points.Count == 0) continue;
            drawn += points.Count;
            (minX, maxX) = (Math.Min(minX, points.Min(p => p.X)), Math.Max(maxX, points.Max(p => p.X)));
            (minY, maxY) = (Math.Min(minY, points.Min(p => p.Y)), Math.Max(maxY, points.Max(p => p.Y)));

            var color = SeriesColor(distinctKeys.IndexOf(colourKeys[g]), distinctKeys.Count);
            var scatter = lines ? plot.Add.ScatterLine(points, color) : plot.Add.ScatterPoints(points, color);
            if (lines)
            {
                scatter.LineWidth = 2;
                scatter.LinePattern = SeriesStyle.Pattern(SeriesStyle.SeedOf(labels[g]));
                // A short series is a few points: marked, a reader sees where the data is.
                if (points.Count <= SeriesStyle.MarkedUpTo) scatter.MarkerSize = 6;
            }
            else scatter.MarkerSize = 7;
            if (seriesAxis is not null) scatter.LegendText = LegendLabel(spec.Series!, labels[g], textSeries && groups[g].Key >= 0);
        }
        if (drawn == 0)
            throw new InvalidOperationException("no plottable points (NULLs, or values ≤ 0 on a log axis)");

        if (xCategories is not null) AxisTicks.Categories(plot.Axes.Bottom, xCategories, Math.Max(2, spec.WidthPx / 60));
        OverlayDrawer.DrawAll(plot, overlays, mapX, mapY);
        // The axes take in the overlays' points too (a theory line beyond the data): a log axis's ticks label all of it.
        foreach (var p in OverlayPoints(overlays, mapX, mapY))
            (minX, maxX, minY, maxY) = (Math.Min(minX, p.X), Math.Max(maxX, p.X), Math.Min(minY, p.Y), Math.Max(maxY, p.Y));
        if (spec.LogX && xCategories is null) AxisTicks.Log10(plot.Axes.Bottom, minX, maxX);
        if (spec.LogY) AxisTicks.Log10(plot.Axes.Left, minY, maxY);
        PositiveAxis.Clamp(plot, !spec.LogX && xCategories is null, minX, !spec.LogY, minY);
    }

    /// <summary>The overlays' points as drawn (plot coordinates; those a log axis drops left out).</summary>
    private static IEnumerable<Coordinates> OverlayPoints(IReadOnlyList<OverlayInput> overlays, Func<object?, double> mapX, Func<object?, double> mapY) =>
        overlays.SelectMany(o => o.Data.Column(o.Spec.X).Zip(o.Data.Column(o.Spec.Y), (x, y) => new Coordinates(mapX(x), mapY(y))))
            .Where(p => double.IsFinite(p.X) && double.IsFinite(p.Y));

    /// <summary>An entry names its column (width=8): ScottPlot 5's legend has no title to say what 8 is; a text value that
    /// <paramref name="namesItself"/> stands alone.</summary>
    internal static string LegendLabel(string column, string value, bool namesItself) => namesItself ? value : $"{column}={value}";

    /// <summary>The default categorical palette for a few series; a viridis ramp for many (e.g. one per task).</summary>
    private static Color SeriesColor(int index, int count) => count <= MaxCategoricalColors
        ? new ScottPlot.Palettes.Category10().GetColor(index)
        : new ScottPlot.Colormaps.Viridis().GetColor(index / (count - 1.0));
}

/// <summary>How a series looks, from its label alone (so it is the same in every plot).</summary>
internal static partial class SeriesStyle
{
    /// <summary>Line series with at most this many points get markers.</summary>
    public const int MarkedUpTo = 20;

    /// <summary>The label without its seed ("width-8_seed-1" → "width-8"): seeds of one configuration share a colour.</summary>
    public static string ColourKey(string label) => SeedPart().Replace(label, "");

    /// <summary>The seed a label names, or 0.</summary>
    public static int SeedOf(string label) =>
        SeedPart().Match(label) is { Success: true } m ? int.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture) : 0;

    public static LinePattern Pattern(int seed) => (seed % 4) switch
    {
        0 => LinePattern.Solid,
        1 => LinePattern.Dashed,
        2 => LinePattern.Dotted,
        _ => LinePattern.DenselyDashed,
    };

    [System.Text.RegularExpressions.GeneratedRegex(@"(^|_)seed[-=](\d+)")]
    private static partial System.Text.RegularExpressions.Regex SeedPart();
}
