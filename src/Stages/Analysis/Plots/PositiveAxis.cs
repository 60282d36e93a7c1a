using ScottPlot;

namespace Retention.Analysis.Plots;

/// <summary>
/// ScottPlot pads each axis beyond the data, so values that are all positive (widths 1 to 9, losses) got an axis reaching
/// below zero, with negative ticks ("-2" widths in the synthetic advice plot) for quantities that cannot be negative. Such a
/// linear axis starts at 0 instead. Where the smallest value is 0 itself the padding stays (the point would lie on the
/// frame), and log or categorical axes are left alone (their coordinates are logarithms or positions, not values).
/// </summary>
internal static class PositiveAxis
{
    /// <param name="clampX">The x axis is linear over numbers; <paramref name="minX"/> its smallest drawn value.</param>
    /// <param name="clampY">The same for y.</param>
    public static void Clamp(Plot plot, bool clampX, double minX, bool clampY, double minY)
    {
        clampX = clampX && minX > 0;
        clampY = clampY && minY > 0;
        if (!clampX && !clampY) return;
        plot.Axes.AutoScale();   // the limits the render would choose, now, to clamp
        var limits = plot.Axes.GetLimits();
        plot.Axes.SetLimits(clampX && limits.Left < 0 ? 0 : limits.Left, limits.Right,
            clampY && limits.Bottom < 0 ? 0 : limits.Bottom, limits.Top);
    }
}
