using DuckDB.NET.Data;
using Retention.Analysis.Plots;
using Retention.Spec;
using ScottPlot;

namespace Retention.Analysis;

/// <summary>
/// Renders a <see cref="PlotSpec"/> to a PNG with ScottPlot: the plot's SQL gives the data, each
/// overlay's SQL its own x,y drawn on top. Headless: ScottPlot draws with SkiaSharp, whose Linux
/// native library ships in the NuGet package.
/// </summary>
public static class PlotRenderer
{
    /// <summary>Queries, draws and writes <paramref name="pngPath"/> atomically (width_px × height_px).</summary>
    /// <exception cref="AnalysisException">Bad SQL, a missing column, unplottable data; the message names the plot (and overlay).</exception>
    public static void Render(DuckDBConnection connection, PlotSpec spec, string pngPath)
    {
        using var plot = Draw(connection, spec);
        try
        {
            Artifacts.AtomicFile.WriteBytes(pngPath, plot.GetImageBytes(spec.WidthPx, spec.HeightPx, ImageFormat.Png));
        }
        catch (Exception ex) when (ex is not (AnalysisException or OperationCanceledException))
        {
            throw new AnalysisException(Step(spec), ex.Message, ex);
        }
    }

    /// <summary>Queries and draws the plot, not yet rendered (its axes, ticks and legend can be read); the caller disposes it.</summary>
    /// <exception cref="AnalysisException">As <see cref="Render"/>.</exception>
    internal static Plot Draw(DuckDBConnection connection, PlotSpec spec)
    {
        var step = Step(spec);
        var data = SqlRunner.QueryOne(connection, spec.Sql, step);
        var overlays = spec.Overlays
            .Select((o, i) => (Spec: o, Step: AnalysisSteps.Overlay(spec.Name, i)))
            .Select(o => new OverlayInput(o.Spec, SqlRunner.QueryOne(connection, o.Spec.Sql, o.Step), o.Step))
            .ToList();
        var plot = new Plot();
        try
        {
            switch (spec.Kind)
            {
                case "heatmap": HeatmapPlot.Draw(plot, spec, data, overlays); break;
                case "line": SeriesPlot.Draw(plot, spec, data, overlays, lines: true); break;
                case "scatter": SeriesPlot.Draw(plot, spec, data, overlays, lines: false); break;
                default: throw new ArgumentException($"unknown plot kind '{spec.Kind}' (heatmap | line | scatter)");
            }
            var title = spec.Kind == "heatmap" && spec.Value is { } value
                ? (spec.Title.Length > 0 ? $"{spec.Title} (colour: {value})" : $"colour: {value}")
                : spec.Title;
            if (title.Length > 0) plot.Title(title, size: 13);
            plot.XLabel(spec.XLabel ?? spec.X);
            plot.YLabel(spec.YLabel ?? spec.Y);
            ShowLegend(plot);
            return plot;
        }
        catch (Exception ex)
        {
            plot.Dispose();
            if (ex is AnalysisException or OperationCanceledException) throw;
            throw new AnalysisException(step, ex.Message, ex);
        }
    }

    private static string Step(PlotSpec spec) => AnalysisSteps.Plot(spec.Name);

    /// <summary>A legend only when something is labelled, outside the data area (inside, it hides points):
    /// right of it for a few entries, below it, wrapped in rows, for many (a tall column squeezed the plot).</summary>
    private static void ShowLegend(Plot plot)
    {
        int entries = plot.GetPlottables().SelectMany(p => p.LegendItems).Count(i => !string.IsNullOrEmpty(i.LabelText));
        if (entries == 0) return;
        plot.ShowLegend(entries <= MaxLegendBeside ? Edge.Right : Edge.Bottom);
    }

    /// <summary>Legend entries that fit beside a plot of the default height.</summary>
    internal const int MaxLegendBeside = 12;
}
