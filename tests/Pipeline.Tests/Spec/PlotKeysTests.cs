using Retention.Analysis;
using Retention.Spec;
using static Retention.Tests.Spec.SpecSamples;

namespace Retention.Tests.Spec;

/// <summary>A plot key its kind does not read is an error where it was written, naming the key meant: a line plot with
/// `value: width` (meant `series: width`) validated "ok" and drew one line through every run.</summary>
public class PlotKeysTests
{
    static string Plot(string kind, string extra) => OnePlot("curves", kind, "SELECT m.step, s.width, m.loss FROM metrics m JOIN swept s USING (run)",
        "step", "loss", extra);   // line 12

    [Theory]
    [InlineData("line", "one line per value")]
    [InlineData("scatter", "one colour of points per value")]
    public void A_line_or_scatter_plot_refuses_value_at_its_line_and_names_series(string kind, string meaning)
    {
        var error = Assert.Single(Assert.Throws<SpecException>(() => SpecLoader.LoadText(Plot(kind, "value: width"), "p.yaml")).Errors);
        Assert.Equal(("analysis.plots[0].value", 12, 14), (error.Path, error.Line, error.Column));
        Assert.StartsWith($"p.yaml:12:14: analysis.plots[0].value: {kind} plots do not read 'value'; use 'series' for {meaning} of a column",
            error.ToString());
    }

    [Fact]
    public void A_heatmap_refuses_series_and_names_value()
    {
        var yaml = Plot("heatmap", "value: loss").TrimEnd('\n') + "\n      series: width\n";
        var error = Assert.Single(Assert.Throws<SpecException>(() => SpecLoader.LoadText(yaml, "p.yaml")).Errors);
        Assert.Equal(("analysis.plots[0].series", 13, 15), (error.Path, error.Line, error.Column));
        Assert.Contains("heatmaps do not read 'series'; its cells are coloured by 'value'", error.Message);
    }

    [Fact]
    public void The_keys_each_kind_reads_load_and_a_null_value_is_the_default()
    {
        Assert.Equal(2, SpecLoader.LoadText(Plot("line", "series: width"), "p.yaml").Runs.Count);
        Assert.Equal(2, SpecLoader.LoadText(Plot("scatter", "series: width"), "p.yaml").Runs.Count);
        Assert.Equal(2, SpecLoader.LoadText(Plot("line", "value: ~"), "p.yaml").Runs.Count);
        // A heatmap needs its value; x and y are the only other columns it reads.
        Assert.Equal(2, SpecLoader.LoadText(Plot("heatmap", "value: loss").Replace("m.step", "m.task").Replace("x: step", "x: task"), "p.yaml").Runs.Count);
    }

    [Fact]
    public void A_sweep_stored_by_an_earlier_version_still_loads_with_such_a_key()
    {
        var stored = SpecLoader.LoadText(Plot("line", "value: width"), "pipeline.yaml", stored: true);
        Assert.Equal("width", stored.Spec.Analysis.Plots[0].Value);
    }

    [Fact]
    public void The_analysis_check_looks_up_only_the_columns_the_kind_reads()
    {
        // Read by no line plot, a misspelt value column is the unread-key error alone, not also "no column".
        var errors = Assert.Throws<SpecException>(() => SpecLoader.LoadText(Plot("line", "value: widht"), "p.yaml")).Errors;
        Assert.Equal(["analysis.plots[0].value"], errors.Select(e => e.Path));
        Assert.DoesNotContain("no column", errors[0].Message);
        Assert.Equal([("x", "step"), ("y", "loss"), ("series", "width")],
            PlotKeys.Read(new PlotSpec { Name = "c", Kind = "line", Sql = "", X = "step", Y = "loss", Value = "v", Series = "width" }));
        Assert.Equal([("x", "task"), ("y", "width"), ("value", "loss")],
            PlotKeys.Read(new PlotSpec { Name = "h", Kind = "heatmap", Sql = "", X = "task", Y = "width", Value = "loss", Series = "s" }));
    }

    [Fact]
    public void A_swept_key_named_only_by_a_line_plots_value_is_still_mixed_by_it()
    {
        // The plot draws no series: each point mixes the widths, whatever its unread value names.
        var analysis = new AnalysisSpec
        {
            Plots = [new PlotSpec { Name = "c", Kind = "line", Sql = "SELECT step, loss FROM metrics", X = "step", Y = "loss", Value = "width" }],
        };
        var sweep = new Dictionary<string, IReadOnlyList<string>> { ["synthetic.width"] = ["2", "4"] };
        var warning = Assert.Single(SweptKeyCoverage.Check(analysis, sweep, new Dictionary<string, IReadOnlyList<string>>()));
        Assert.Equal(["analysis.plots[0]"], warning.Paths);
    }
}
