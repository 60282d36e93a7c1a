using ScottPlot;

namespace Retention.Analysis.Plots;

/// <summary>
/// Draws overlays (an overlay is its own query's x,y, e.g. the theory's staircase) over a plot.
/// The caller maps values to plot coordinates, so a heatmap can place them in its cell index space.
/// </summary>
internal static class OverlayDrawer
{
    // Colours that stay visible over the viridis heatmap and next to the default series palette.
    private static readonly Color[] Palette = [Colors.Red, Colors.Black, Colors.Magenta, Colors.Orange, Colors.Cyan];

    /// <param name="stepEdgeY">For heatmaps: maps a step overlay's y to a cell edge, and each x
    /// becomes a segment across its cell, so the staircase outlines cells instead of cutting them.</param>
    /// <param name="cells">For heatmaps: the cells (and axis limits), where <paramref name="stepEdgeY"/> puts a y that no cell
    /// reaches on the top border; an overlay of which nothing shows inside them is left out, legend entry included.</param>
    public static void DrawAll(Plot plot, IReadOnlyList<OverlayInput> overlays, Func<object?, double> mapX, Func<object?, double> mapY,
        Func<object?, double>? stepEdgeY = null, CellBounds? cells = null)
    {
        for (var i = 0; i < overlays.Count; i++)
        {
            try
            {
                if (stepEdgeY is not null && overlays[i].Spec.Style == "step")
                    DrawCellStaircase(plot, overlays[i], mapX, stepEdgeY, cells, Palette[i % Palette.Length]);
                else
                    Draw(plot, overlays[i], mapX, mapY, cells, Palette[i % Palette.Length]);
            }
            catch (Exception ex) when (ex is not AnalysisException)
            {
                throw new AnalysisException(overlays[i].Step, ex.Message, ex);
            }
        }
    }

    private static void DrawCellStaircase(Plot plot, OverlayInput overlay, Func<object?, double> mapX, Func<object?, double> edgeY, CellBounds? cells, Color color)
    {
        var spec = overlay.Spec;
        var steps = overlay.Data.Column(spec.X).Zip(overlay.Data.Column(spec.Y), (x, y) => (X: mapX(x), Y: edgeY(y)))
            .Where(p => double.IsFinite(p.X) && double.IsFinite(p.Y))
            .OrderBy(p => p.X)
            .ToList();
        var points = steps.SelectMany(c => new[] { new Coordinates(c.X - 0.5, c.Y), new Coordinates(c.X + 0.5, c.Y) }).ToList();
        // A y above every row reaches no cell: its segment lies on the plot's top border, hidden by the frame. Where that
        // is every x, nothing of the overlay shows, and a legend entry would name a line the reader cannot find.
        if (cells is { } bounds && !bounds.Shows(points, connected: true)) return;
        var line = plot.Add.ScatterLine(points, color);
        line.LineWidth = 2.5f;
        line.LegendText = spec.Label;
    }

    private static void Draw(Plot plot, OverlayInput overlay, Func<object?, double> mapX, Func<object?, double> mapY, CellBounds? cells, Color color)
    {
        var spec = overlay.Spec;
        var xs = overlay.Data.Column(spec.X);
        var ys = overlay.Data.Column(spec.Y);
        var points = xs.Zip(ys, (x, y) => new Coordinates(mapX(x), mapY(y)))
            .Where(p => double.IsFinite(p.X) && double.IsFinite(p.Y))
            .ToList();
        // A staircase or line is a function of x; DuckDB does not promise row order without ORDER BY.
        if (spec.Style is "step" or "line") points = [.. points.OrderBy(p => p.X)];
        if (points.Count == 0) return;
        // On a heatmap the limits are the cells': a line or points wholly outside them (a theory curve beyond every width)
        // would be clipped away whole, its legend entry naming nothing the reader can find, as a staircase's would.
        if (cells is { } bounds && !bounds.Shows(points, connected: spec.Style != "points")) return;

        var scatter = spec.Style switch
        {
            "step" => plot.Add.ScatterLine(points, color),
            "line" => plot.Add.ScatterLine(points, color),
            "points" => plot.Add.ScatterPoints(points, color),
            _ => throw new ArgumentException($"unknown overlay style '{spec.Style}' (line | step | points)"),
        };
        if (spec.Style == "step") scatter.ConnectStyle = ConnectStyle.StepHorizontal;
        if (spec.Style == "points") scatter.MarkerSize = 8;
        else scatter.LineWidth = 2.5f;
        scatter.LegendText = spec.Label;
    }
}
