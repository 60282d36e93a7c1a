using System.Globalization;
using ScottPlot;
using ScottPlot.TickGenerators;

namespace Retention.Analysis.Plots;

/// <summary>Tick generators for the two non-default axis kinds: categories and log scale.</summary>
internal static class AxisTicks
{
    /// <summary>Labels categories at their index positions, thinned to at most <paramref name="maxTicks"/>.</summary>
    public static void Categories(IAxis axis, CategoryAxis categories, int maxTicks)
    {
        var (positions, labels) = categories.Ticks(maxTicks);
        axis.TickGenerator = new NumericManual(positions, labels);
    }

    /// <summary>
    /// ScottPlot 5 has no log axis: values are plotted as log10 (see <see cref="Scale"/>) and this
    /// labels them with the original values, at ticks chosen by <see cref="LogTickValues"/> for the
    /// plotted range, so a range of less than a decade still gets several ticks.
    /// </summary>
    public static void Log10(IAxis axis, double minLog, double maxLog)
    {
        var values = LogTickValues(minLog, maxLog);
        axis.TickGenerator = new NumericManual([.. values.Select(Math.Log10)],
            [.. values.Select(v => v.ToString("G4", CultureInfo.InvariantCulture))]);
    }

    /// <summary>
    /// Tick values for a log axis spanning 10^minLog..10^maxLog: the sparsest of decades, 1-2-5 and
    /// 1…9 per decade that puts at least three ticks in the range (a range too narrow for any of them
    /// gets evenly spaced ticks in log space, rounded to 3 significant digits).
    /// </summary>
    public static IReadOnlyList<double> LogTickValues(double minLog, double maxLog)
    {
        if (!(maxLog > minLog)) return [Math.Pow(10, minLog)];
        const double slack = 1e-6;   // decades: a tick at the edge of the data counts
        foreach (var mantissas in new[] { new[] { 1.0 }, [1.0, 2, 5], [1.0, 2, 3, 4, 5, 6, 7, 8, 9] })
        {
            var ticks = new List<double>();
            for (int k = (int)Math.Floor(minLog) - 1; k <= (int)Math.Ceiling(maxLog); k++)
                foreach (var m in mantissas)
                {
                    double v = m * Math.Pow(10, k), l = Math.Log10(v);
                    if (l >= minLog - slack && l <= maxLog + slack) ticks.Add(v);
                }
            if (ticks.Count >= 3) return Thin(ticks, 10);
        }
        return [.. Enumerable.Range(0, 4).Select(i => double.Parse(Math.Pow(10, minLog + i * (maxLog - minLog) / 3).ToString("G3", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture)).Distinct()];
    }

    static IReadOnlyList<double> Thin(List<double> ticks, int max)
    {
        if (ticks.Count <= max) return ticks;
        int every = (ticks.Count + max - 1) / max;
        return [.. ticks.Where((_, i) => i % every == 0)];
    }

    /// <summary>The plot coordinate of a value: log10 on a log axis (NaN for values ≤ 0, which are dropped).</summary>
    public static double Scale(double value, bool log) => !log ? value : value > 0 ? Math.Log10(value) : double.NaN;
}
