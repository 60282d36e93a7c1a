namespace Retention.Spec;

/// <summary>Rules on the analysis section's tables, plots and overlays as written (their SQL is checked against the runs'
/// tables when the pipeline loads).</summary>
internal static class AnalysisRules
{
    private static readonly string[] PlotKinds = ["heatmap", "line", "scatter"];
    private static readonly string[] OverlayStyles = ["line", "step", "points"];
    private const int MaxImagePx = 10_000;

    public static void Check(SpecChecks c, AnalysisSpec a)
    {
        // DuckDB table names and (on macOS) file names ignore case, so uniqueness does too.
        var tables = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < a.Tables.Count; i++)
        {
            var at = $"analysis.tables[{i}]";
            UniqueIdentifier(c, a.Tables[i].Name, $"{at}.name", tables, i, "table", "analysis.tables");
            c.NotBlank(a.Tables[i].Sql, $"{at}.sql");
        }

        var plots = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < a.Plots.Count; i++)
        {
            var plot = a.Plots[i];
            var at = $"analysis.plots[{i}]";
            UniqueIdentifier(c, plot.Name, $"{at}.name", plots, i, "plot", "analysis.plots");
            c.OneOf(plot.Kind, PlotKinds, $"{at}.kind", "plot kind");
            c.NotBlank(plot.Sql, $"{at}.sql");
            c.NotBlank(plot.X, $"{at}.x");
            c.NotBlank(plot.Y, $"{at}.y");
            if (plot.Kind == "heatmap")
                c.Check(!string.IsNullOrWhiteSpace(plot.Value), $"{at}.value",
                    "a heatmap needs 'value', the column that gives each cell its colour");
            if (plot.ValueRange is { } range) ValueRange(c, range, $"{at}.value_range");
            c.Check(plot.WidthPx is >= 1 and <= MaxImagePx, $"{at}.width_px", $"must be between 1 and {MaxImagePx}, got {plot.WidthPx}");
            c.Check(plot.HeightPx is >= 1 and <= MaxImagePx, $"{at}.height_px", $"must be between 1 and {MaxImagePx}, got {plot.HeightPx}");

            for (var j = 0; j < plot.Overlays.Count; j++)
            {
                var overlay = plot.Overlays[j];
                var oat = $"{at}.overlays[{j}]";
                c.NotBlank(overlay.Sql, $"{oat}.sql");
                c.NotBlank(overlay.X, $"{oat}.x");
                c.NotBlank(overlay.Y, $"{oat}.y");
                c.OneOf(overlay.Style, OverlayStyles, $"{oat}.style", "overlay style");
            }
        }
    }

    /// <summary>A heatmap's colour scale: [low, high], each finite (an .inf end would paint every cell one colour), low below
    /// high. A value that is not finite is said at its own position in the list.</summary>
    private static void ValueRange(SpecChecks c, IReadOnlyList<double> range, string path)
    {
        if (!c.Check(range.Count == 2, path, $"must be two numbers [low, high], the values at the ends of the colour scale; got {(range.Count == 0 ? "none" : Messages.Counted.Of(range.Count, "value"))}"))
            return;
        bool finite = true;
        for (var i = 0; i < 2; i++)
            finite &= c.Check(double.IsFinite(range[i]), $"{path}[{i}]", $"must be a finite number, got {RuleText.Show(range[i])}");
        if (finite)
            c.Check(range[0] < range[1], path, $"the low end must be below the high end, got [{RuleText.Show(range[0])}, {RuleText.Show(range[1])}]");
    }

    /// <summary>
    /// Table and plot names the advice's files have: analysis/ is shared with the advice, whose files are told from the tables
    /// by their names alone. A rule added after sweeps were written (SpecValidator runs it for files as written, not stored
    /// copies): an earlier sweep whose pipeline.yaml has such a table still loads for status and analyze.
    /// </summary>
    public static void AdviceNames(SpecChecks c, AnalysisSpec a)
    {
        for (var i = 0; i < a.Tables.Count; i++) NotAdvice(c, a.Tables[i].Name, $"analysis.tables[{i}].name", "table");
        for (var i = 0; i < a.Plots.Count; i++) NotAdvice(c, a.Plots[i].Name, $"analysis.plots[{i}].name", "plot");
    }

    private static void NotAdvice(SpecChecks c, string name, string path, string what) =>
        c.Check(!SpecNames.IsIdentifier(name) || !Advice.AdviceReport.IsAdviceName(name), path,
            $"{what} name '{name}' starts with '{Advice.AdviceReport.NamePrefix}' (ignoring case), which names the advice's files in analysis/: " +
            "analysis.advise and `pipeline advise` write advice_*.arrow and advice.png there and remove the ones they do not write, " +
            "and analyze and status take every analysis/ file named so for the advice's; choose another name");

    private static void UniqueIdentifier(SpecChecks c, string name, string path, Dictionary<string, int> seen, int index, string what, string listPath)
    {
        if (!c.Check(SpecNames.IsIdentifier(name), path,
                $"{what} name '{name}' is not an identifier; use letters, digits and '_', not starting with a digit"))
            return;
        if (seen.TryGetValue(name, out var first))
            c.Check(false, path, $"duplicate {what} name '{name}': {listPath}[{first}] has it already; names must be unique, ignoring case");
        else
            seen[name] = index;
    }
}
