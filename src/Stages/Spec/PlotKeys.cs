namespace Retention.Spec;

/// <summary>
/// Which column keys (and the colour scale's <c>value_range</c>) each plot kind reads. A heatmap colours its cells by
/// <c>value</c> and has no series; a line or scatter plot draws one series per <c>series</c> value and has no colour column.
/// A key its kind does not read was silently ignored (a line plot with <c>value: width</c> drew one mixed line): validation
/// refuses it, with the key meant.
/// </summary>
internal static class PlotKeys
{
    /// <summary>A line or scatter plot's colours name its series: it has no colour scale to set. Before
    /// <see cref="UnreadBy"/>, which reads it as it is initialised.</summary>
    private static readonly (string, string) NoColourScale =
        ("value_range", "it sets the ends of a heatmap's colour scale; the colours of this kind name its series");

    private static readonly Dictionary<string, (string Key, string Instead)[]> UnreadBy = new()
    {
        ["heatmap"] = [("series", "its cells are coloured by 'value', one cell per (x, y); for one line per value of a column use kind: line")],
        ["line"] = [("value", "use 'series' for one line per value of a column (the line's height is 'y')"), NoColourScale],
        ["scatter"] = [("value", "use 'series' for one colour of points per value of a column (the points' height is 'y')"), NoColourScale],
    };

    /// <summary>The keys <paramref name="kind"/> does not read, and what to write instead (none for an unknown kind,
    /// which is its own error).</summary>
    public static IReadOnlyList<(string Key, string Instead)> Unread(string kind) => UnreadBy.GetValueOrDefault(kind, []);

    /// <summary>The plot's column keys its kind reads, with the column each names (null: unset).</summary>
    public static IReadOnlyList<(string Key, string? Column)> Read(PlotSpec plot) =>
        [.. new[] { ("x", plot.X), ("y", plot.Y), ("value", plot.Value), ("series", plot.Series) }
            .Where(k => !Unread(plot.Kind).Any(u => u.Key == k.Item1))];

    /// <summary>"line plots", "heatmaps": the kind as the messages name it.</summary>
    public static string Plural(string kind) => kind == "heatmap" ? "heatmaps" : $"{kind} plots";
}
