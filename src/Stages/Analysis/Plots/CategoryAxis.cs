namespace Retention.Analysis.Plots;

/// <summary>
/// A categorical axis: the distinct non-NULL values of a column, placed at positions 0..n-1. Numbers
/// are sorted (widths read 8, 16, 32 rather than "16", "32", "8"); text keeps the order in which the
/// query returned it, so a plot's SQL decides it with ORDER BY (tasks by frequency, not "1e-5" before "3e-5").
/// Heatmap cells are centred on these positions; overlays are mapped into the same index space.
/// </summary>
internal sealed class CategoryAxis
{
    private readonly double[] _numbers;
    private readonly string[] _labels;

    private CategoryAxis(bool isNumeric, double[] numbers, string[] labels)
    {
        IsNumeric = isNumeric;
        _numbers = numbers;
        _labels = labels;
    }

    public bool IsNumeric { get; }

    public int Count => _labels.Length;

    public static CategoryAxis From(IEnumerable<object?> values)
    {
        var present = values.Where(v => v is not null).ToList();
        if (present.All(PlotValues.IsNumeric))
        {
            var numbers = present.Select(PlotValues.ToDouble).Where(d => !double.IsNaN(d)).Distinct().Order().ToArray();
            return new CategoryAxis(true, numbers, [.. numbers.Select(n => PlotValues.Label(n))]);
        }
        var labels = present.Select(PlotValues.Label).Distinct().ToArray();
        return new CategoryAxis(false, [], labels);
    }

    public string Label(int index) => _labels[index];

    /// <summary>The category's index, or -1 for NULL or a value not on the axis.</summary>
    public int IndexOf(object? value)
    {
        if (value is null) return -1;
        if (!IsNumeric) return Array.IndexOf(_labels, PlotValues.Label(value));
        if (!PlotValues.IsNumeric(value)) return -1;
        var index = Array.BinarySearch(_numbers, PlotValues.ToDouble(value));
        return index >= 0 ? index : -1;
    }

    /// <summary>
    /// Where a value falls in index space: a category's own index, or for a number between two
    /// categories the linear interpolation of their indices (geometric when <paramref name="log"/>,
    /// for log-spaced values such as widths); beyond the ends the outer segment is extended, so
    /// the plot's limits clip it. NaN where it cannot be placed (NULL, unknown label).
    /// </summary>
    public double Position(object? value, bool log)
    {
        if (!IsNumeric || Count < 2)
        {
            var index = IndexOf(value);
            return index >= 0 ? index : double.NaN;
        }
        if (!PlotValues.IsNumeric(value)) return double.NaN;
        var u = PlotValues.ToDouble(value);
        if (double.IsNaN(u)) return double.NaN;

        var useLog = log && u > 0 && _numbers[0] > 0;
        Func<double, double> t = useLog ? Math.Log : x => x;
        var j = Math.Clamp(LastAtOrBelow(u), 0, Count - 2);
        return j + (t(u) - t(_numbers[j])) / (t(_numbers[j + 1]) - t(_numbers[j]));
    }

    /// <summary>
    /// The cell edge below the first category at or above a value: a staircase drawn at these
    /// edges outlines exactly the cells whose category reaches the value (e.g. widths at which the
    /// theory says a task's first feature is retained). -0.5 below the axis, Count − 0.5 above it.
    /// </summary>
    public double EdgeBelow(object? value)
    {
        if (!IsNumeric || !PlotValues.IsNumeric(value)) return double.NaN;
        var u = PlotValues.ToDouble(value);
        if (double.IsNaN(u)) return double.NaN;
        var index = Array.BinarySearch(_numbers, u);
        return (index >= 0 ? index : ~index) - 0.5;
    }

    /// <summary>Tick positions and labels, every k-th category so that at most <paramref name="maxTicks"/> show.</summary>
    public (double[] Positions, string[] Labels) Ticks(int maxTicks)
    {
        var step = Math.Max(1, (int)Math.Ceiling(Count / (double)Math.Max(1, maxTicks)));
        var indices = Enumerable.Range(0, Count).Where(i => i % step == 0).ToArray();
        return ([.. indices.Select(i => (double)i)], [.. indices.Select(Label)]);
    }

    private int LastAtOrBelow(double u)
    {
        var index = Array.BinarySearch(_numbers, u);
        return index >= 0 ? index : ~index - 1;
    }
}
