using Retention.Spec;
using static Retention.Tests.Spec.SpecSamples;

namespace Retention.Tests.Spec;

/// <summary>Analysis table and plot names starting with 'advice' are the advice's files' in analysis/: refused in a file as
/// written (MalformedSpecTests has the message and position). A sweep's stored pipeline.yaml, written by a version that took
/// such a name, still loads, so `status` and `analyze` read that sweep.</summary>
public class AdviceNameRuleTests
{
    const string Yaml = "name: a\ntrain: {steps: 20}\nanalysis:\n  tables:\n    - {name: advice_widths, sql: 'SELECT 1 AS a'}\n  plots:\n" +
                        "    - {name: Advice, kind: line, sql: 'SELECT 1 AS x, 2 AS y', x: x, y: y}\n";

    [Fact]
    public void A_file_as_written_is_refused_for_each_name()
    {
        var errors = Errors(Yaml);
        Assert.Equal(["analysis.tables[0].name", "analysis.plots[0].name"], errors.Select(e => e.Path));
        Assert.All(errors, e => Assert.Contains("starts with 'advice' (ignoring case)", e.Message));
    }

    [Fact]
    public void A_stored_file_with_such_names_still_loads()
    {
        var stored = SpecLoader.LoadText(Yaml, "pipeline.yaml", checkAnalysis: false, stored: true);
        Assert.Equal("advice_widths", Assert.Single(stored.Spec.Analysis.Tables).Name);
        Assert.Equal("Advice", Assert.Single(stored.Spec.Analysis.Plots).Name);
    }
}
