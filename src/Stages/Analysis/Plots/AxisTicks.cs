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
        axis.TickGenerator = new NumericManual([.. values.Select(Math.Log10)], [.. Labels(values)]);
    }

    /// <summary>G6, or as many more digits as the ticks of a very narrow range need to tell them apart (1, 1.0000001,
    /// 1.0000002 are all "1" in G6).</summary>
    private static IEnumerable<string> Labels(IReadOnlyList<double> values)
    {
        for (var digits = 6; ; digits++)
        {
            var labels = values.Select(v => v.ToString($"G{digits}", CultureInfo.InvariantCulture)).ToList();
            if (digits >= 17 || labels.Distinct().Count() == labels.Count) return labels;
        }
    }

    /// <summary>
    /// Tick values for a log axis spanning 10^minLog..10^maxLog: the sparsest set of mantissas × 10^k (decades; 1-2-5;
    /// 1…9; then finer ones for ranges of less than a decade) whose ticks in the range label all of it: at least three,
    /// no more than <see cref="MaxEdgeShare"/> of the range beyond the outer ones and no more than
    /// <see cref="MaxInnerShare"/> between two. (Data at 0.68–1.75 got 0.7, 0.8, 0.9 and 1 from 1…9, and its upper half
    /// no label.) A range too narrow for any set gets round values evenly spaced.
    /// </summary>
    public static IReadOnlyList<double> LogTickValues(double minLog, double maxLog)
    {
        if (!(maxLog > minLog)) return [Math.Pow(10, minLog)];
        foreach (var mantissas in MantissaSets)
        {
            var ticks = Thin(InRange(mantissas, minLog, maxLog), 10);
            if (LabelsAll(ticks, minLog, maxLog)) return ticks;
        }
        return EvenTicks(minLog, maxLog);
    }

    /// <summary>Share of the range that may lie beyond the outermost tick at either end (read off by extrapolating).</summary>
    internal const double MaxEdgeShare = 0.25;

    /// <summary>Share of the range that may lie between two ticks (read off between two labels): two decades may be
    /// labelled 0.001, 0.01, 0.1.</summary>
    internal const double MaxInnerShare = 0.5;

    private const double Slack = 1e-6;   // decades: a tick at the edge of the data counts

    private static readonly double[][] MantissaSets =
    [
        [1.0],
        [1.0, 2, 5],
        [1.0, 2, 3, 4, 5, 6, 7, 8, 9],
        [.. Steps(1, 2, 0.2), .. Steps(2, 5, 0.5), .. Steps(5, 10, 1)],     // 1, 1.2, ..., 1.8, 2, 2.5, ..., 4.5, 5, 6, ..., 9
        [.. Steps(1, 2, 0.1), .. Steps(2, 5, 0.2), .. Steps(5, 10, 0.5)],
    ];

    /// <summary>from, from + step, ... below to.</summary>
    private static IEnumerable<double> Steps(double from, double to, double step) =>
        Enumerable.Range(0, (int)Math.Round((to - from) / step)).Select(i => Tidy(from + i * step));

    private static List<double> InRange(double[] mantissas, double minLog, double maxLog)
    {
        var ticks = new List<double>();
        for (int k = (int)Math.Floor(minLog) - 1; k <= (int)Math.Ceiling(maxLog); k++)
            foreach (var m in mantissas)
            {
                double v = Tidy(m * Math.Pow(10, k)), l = Math.Log10(v);
                if (l >= minLog - Slack && l <= maxLog + Slack) ticks.Add(v);
            }
        return ticks;
    }

    private static bool LabelsAll(IReadOnlyList<double> ticks, double minLog, double maxLog)
    {
        if (ticks.Count < 3) return false;
        double range = maxLog - minLog;
        var logs = ticks.Select(Math.Log10).ToList();
        bool ends = logs[0] - minLog <= MaxEdgeShare * range + Slack && maxLog - logs[^1] <= MaxEdgeShare * range + Slack;
        return ends && logs.Zip(logs.Skip(1), (a, b) => b - a).All(gap => gap <= MaxInnerShare * range + Slack);
    }

    /// <summary>The multiples in the range of the largest round step (1, 2 or 5 × 10^k) whose multiples label all of it:
    /// over so short a range a log axis is nearly linear, so they are nearly evenly spaced on it too.</summary>
    private static IReadOnlyList<double> EvenTicks(double minLog, double maxLog)
    {
        double low = Math.Pow(10, minLog), high = Math.Pow(10, maxLog);
        if (!(high > low)) return [low];
        // Steps down to 10^-9 of the range: below, the values differ beyond the digits a label shows.
        double top = Math.Pow(10, Math.Ceiling(Math.Log10(high - low)));
        for (double decade = top; decade >= top * 1e-9; decade /= 10)
            foreach (var step in new[] { decade / 2, decade / 5, decade / 10 })
            {
                double first = Math.Ceiling(low / step - 1e-9), last = Math.Floor(high / step + 1e-9);
                IReadOnlyList<double> ticks = last < first ? [] : [.. Enumerable.Range(0, (int)(last - first) + 1).Select(i => Tidy((first + i) * step))];
                if (LabelsAll(ticks, minLog, maxLog)) return ticks;
            }
        return [low, high];
    }

    /// <summary>The value as its shortest decimal spelling reads it: 1.2 × 0.1 is 0.12, not 0.12000000000000001.</summary>
    private static double Tidy(double value) =>
        double.Parse(value.ToString("G12", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);

    static IReadOnlyList<double> Thin(IReadOnlyList<double> ticks, int max)
    {
        if (ticks.Count <= max) return ticks;
        int every = (ticks.Count + max - 1) / max;
        return [.. ticks.Where((_, i) => i % every == 0)];
    }

    /// <summary>The plot coordinate of a value: log10 on a log axis (NaN for values ≤ 0, which are dropped).</summary>
    public static double Scale(double value, bool log) => !log ? value : value > 0 ? Math.Log10(value) : double.NaN;
}
