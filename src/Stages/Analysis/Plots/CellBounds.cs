using ScottPlot;

namespace Retention.Analysis.Plots;

/// <summary>
/// A heatmap's cells in index space, which are also its axis limits: an overlay drawn wholly outside them (or only along
/// their border, under the frame) shows nothing, so it gets no legend entry either (the legend would name a line the reader
/// cannot find).
/// </summary>
internal readonly record struct CellBounds(double Left, double Right, double Bottom, double Top)
{
    /// <summary>Whether anything of the overlay drawn through <paramref name="points"/> shows: a marker centred in or on the
    /// cells (half a marker shows on the border); a line (<paramref name="connected"/>, point to point) with a stretch inside
    /// them, not only along their border.</summary>
    public bool Shows(IReadOnlyList<Coordinates> points, bool connected)
    {
        if (!connected)
        {
            foreach (var p in points)
                if (p.X >= Left && p.X <= Right && p.Y >= Bottom && p.Y <= Top) return true;
            return false;
        }
        if (points.Count == 1) return Inside(points[0]);
        for (int i = 1; i < points.Count; i++)
            if (Clip(points[i - 1], points[i]) is var (a, b) && Inside(new Coordinates((a.X + b.X) / 2, (a.Y + b.Y) / 2)))
                // The clipped stretch lies in the closed cells; unless it lies along one border, its midpoint is inside them.
                return true;
        return false;
    }

    bool Inside(Coordinates p) => p.X > Left && p.X < Right && p.Y > Bottom && p.Y < Top;

    /// <summary>The part of segment a→b within the closed cells (Liang–Barsky), or null where none is.</summary>
    (Coordinates, Coordinates)? Clip(Coordinates a, Coordinates b)
    {
        double dx = b.X - a.X, dy = b.Y - a.Y, t0 = 0, t1 = 1;
        foreach (var (p, q) in new[] { (-dx, a.X - Left), (dx, Right - a.X), (-dy, a.Y - Bottom), (dy, Top - a.Y) })
        {
            if (p == 0)
            {
                if (q < 0) return null;   // parallel to this border, outside it
                continue;
            }
            var t = q / p;
            if (p < 0) t0 = Math.Max(t0, t);
            else t1 = Math.Min(t1, t);
            if (t0 > t1) return null;
        }
        return (new Coordinates(a.X + t0 * dx, a.Y + t0 * dy), new Coordinates(a.X + t1 * dx, a.Y + t1 * dy));
    }
}
