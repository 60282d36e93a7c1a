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
    /// labels the decades with the original values and adds log-spaced minor ticks.
    /// </summary>
    public static void Log10(IAxis axis) => axis.TickGenerator = new NumericAutomatic
    {
        MinorTickGenerator = new LogMinorTickGenerator(),
        IntegerTicksOnly = true,
        LabelFormatter = v => Math.Pow(10, v).ToString("G4", CultureInfo.InvariantCulture),
    };

    /// <summary>The plot coordinate of a value: log10 on a log axis (NaN for values ≤ 0, which are dropped).</summary>
    public static double Scale(double value, bool log) => !log ? value : value > 0 ? Math.Log10(value) : double.NaN;
}
