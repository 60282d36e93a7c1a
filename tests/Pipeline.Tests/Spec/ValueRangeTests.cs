using Retention.Spec;
using static Retention.Tests.Spec.SpecSamples;

namespace Retention.Tests.Spec;

/// <summary>A heatmap's value_range, the ends of its colour scale, is two finite numbers, low below high: each error at the
/// file's line and column, as the other plot keys'. Line and scatter plots have no colour scale: there it is an unread key.</summary>
public class ValueRangeTests
{
    static string Plot(string kind, string range) => OnePlot("map", kind, "SELECT m.task, s.width, m.loss FROM metrics m JOIN swept s USING (run)",
        "task", "width", kind == "heatmap" ? "value: loss" : "series: width", $"value_range: {range}");   // lines 12, 13

    static SpecError Refused(string kind, string range) =>
        Assert.Single(Assert.Throws<SpecException>(() => SpecLoader.LoadText(Plot(kind, range), "p.yaml")).Errors);

    [Fact]
    public void A_heatmap_takes_two_increasing_numbers_and_keeps_them()
    {
        var loaded = SpecLoader.LoadText(Plot("heatmap", "[0, 1]"), "p.yaml");
        Assert.Equal([0.0, 1.0], loaded.Spec.Analysis.Plots[0].ValueRange);
        Assert.Equal([-0.5, 2.5], SpecLoader.LoadText(Plot("heatmap", "[-0.5, 2.5]"), "p.yaml").Spec.Analysis.Plots[0].ValueRange);
        // Unset (or null), the scale spans the data.
        Assert.Null(SpecLoader.LoadText(Plot("heatmap", "~"), "p.yaml").Spec.Analysis.Plots[0].ValueRange);
    }

    [Theory]
    // "got 1" read as the number 1 written: the count is said as one.
    [InlineData("[1]", "got 1 value")]
    [InlineData("[0, 0.5, 1]", "got 3 values")]
    [InlineData("[]", "got none")]
    public void Anything_but_two_numbers_is_refused_at_the_list(string range, string got)
    {
        var error = Refused("heatmap", range);
        Assert.Equal(("analysis.plots[0].value_range", 13, 20), (error.Path, error.Line, error.Column));
        Assert.StartsWith($"p.yaml:13:20: analysis.plots[0].value_range: must be two numbers [low, high], the values at the ends of the colour scale; {got}",
            error.ToString());
        Assert.EndsWith(got, error.Message);
    }

    [Theory]
    [InlineData("[0, .inf]", 1, 24, ".inf")]
    [InlineData("[.nan, 1]", 0, 21, ".nan")]
    [InlineData("[-.inf, 1]", 0, 21, "-.inf")]
    public void An_end_that_is_not_finite_is_refused_where_it_is_written(string range, int index, int column, string shown)
    {
        var error = Refused("heatmap", range);
        Assert.Equal(($"analysis.plots[0].value_range[{index}]", 13, column), (error.Path, error.Line, error.Column));
        Assert.EndsWith($"must be a finite number, got {shown}", error.Message);
    }

    [Theory]
    [InlineData("[1, 0]")]
    [InlineData("[0.5, 0.5]")]
    public void A_low_end_not_below_the_high_end_is_refused(string range)
    {
        var error = Refused("heatmap", range);
        Assert.Equal(("analysis.plots[0].value_range", 13, 20), (error.Path, error.Line, error.Column));
        Assert.Contains($"the low end must be below the high end, got {range}", error.Message);
    }

    [Fact]
    public void A_word_for_a_number_is_a_type_error_at_it()
    {
        var error = Refused("heatmap", "[0, high]");
        Assert.Equal((13, 24), (error.Line, error.Column));
    }

    [Theory]
    [InlineData("line")]
    [InlineData("scatter")]
    public void A_line_or_scatter_plot_refuses_it_as_a_key_it_does_not_read(string kind)
    {
        var error = Refused(kind, "[0, 1]");
        Assert.Equal(("analysis.plots[0].value_range", 13, 20), (error.Path, error.Line, error.Column));
        Assert.Contains($"{kind} plots do not read 'value_range'; it sets the ends of a heatmap's colour scale", error.Message);
    }

    [Fact]
    public void It_survives_the_resolved_pipeline_yaml()
    {
        var written = SpecWriter.Write(SpecLoader.LoadText(Plot("heatmap", "[0, 1]"), "p.yaml").Spec);
        Assert.Equal([0.0, 1.0], SpecLoader.LoadText(written, "pipeline.yaml", stored: true).Spec.Analysis.Plots[0].ValueRange);
        // Unset, it is left out of the file (as value and series are where unset).
        Assert.DoesNotContain("value_range", SpecWriter.Write(SpecLoader.LoadText(Plot("heatmap", "~"), "p.yaml").Spec));
    }
}
