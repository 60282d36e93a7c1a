using ScottPlot;
using Retention.Spec;

namespace Retention.Analysis.Plots;

/// <summary>
/// A heatmap over the distinct sorted x and y values: cell (i, j) is centred on index position
/// (i, j), colour = value, with a colourbar; cells with no row are left blank. Because both axes
/// are categorical, overlays are mapped to the same index space (see <see cref="CategoryAxis.Position"/>);
/// log_x / log_y only make that interpolation geometric. The colour scale spans the data's values, or value_range.
/// </summary>
internal static class HeatmapPlot
{
    public static void Draw(Plot plot, PlotSpec spec, QueryResult data, IReadOnlyList<OverlayInput> overlays)
    {
        var valueColumn = spec.Value ?? throw new ArgumentException("a heatmap needs 'value', the colour column");
        var xs = data.Column(spec.X);
        var ys = data.Column(spec.Y);
        var values = data.Column(valueColumn);
        var xAxis = CategoryAxis.From(xs);
        var yAxis = CategoryAxis.From(ys);
        if (xAxis.Count == 0 || yAxis.Count == 0) throw new InvalidOperationException("the query returned no rows to plot");

        var grid = new double[yAxis.Count, xAxis.Count];
        var filled = new bool[yAxis.Count, xAxis.Count];
        for (var r = 0; r < grid.Length; r++) grid[r / xAxis.Count, r % xAxis.Count] = double.NaN;
        for (var row = 0; row < xs.Count; row++)
        {
            int i = xAxis.IndexOf(xs[row]), j = yAxis.IndexOf(ys[row]);
            if (i < 0 || j < 0) continue; // NULL coordinate
            if (filled[j, i])
                throw new InvalidOperationException(
                    $"more than one row for cell {spec.X}={xAxis.Label(i)}, {spec.Y}={yAxis.Label(j)}; aggregate in the SQL");
            filled[j, i] = true;
            grid[j, i] = PlotValues.ToDouble(values[row]);
        }

        var heatmap = plot.Add.Heatmap(grid);
        // A fixed scale (an accuracy's [0, 1]): stretched to the data, the best cell is brightest even at chance. ScottPlot
        // gives a value beyond the range the end colour, as value_range promises (HeatmapValueRangeTests).
        if (spec.ValueRange is [var low, var high]) heatmap.ManualRange = new ScottPlot.Range(low, high);
        heatmap.FlipVertically = true; // grid row 0 holds the smallest y: draw it at the bottom
        // The colour bar carries no label of its own: ScottPlot sizes its panel by the tick labels
        // only, so a label overlapped long ticks (1.2E+10). The value's name goes to the title instead
        // (PlotRenderer), where it always has room.
        plot.Add.ColorBar(heatmap);

        AxisTicks.Categories(plot.Axes.Bottom, xAxis, maxTicks: Math.Max(2, spec.WidthPx / 60));
        AxisTicks.Categories(plot.Axes.Left, yAxis, maxTicks: Math.Max(2, spec.HeightPx / 30));
        var cells = new CellBounds(-0.5, xAxis.Count - 0.5, -0.5, yAxis.Count - 0.5);
        OverlayDrawer.DrawAll(plot, overlays, v => xAxis.Position(v, spec.LogX), v => yAxis.Position(v, spec.LogY), yAxis.EdgeBelow, cells);
        // Fixed to the cells, so overlay segments extended past the last category are clipped.
        plot.Axes.SetLimits(cells.Left, cells.Right, cells.Bottom, cells.Top);
    }
}
