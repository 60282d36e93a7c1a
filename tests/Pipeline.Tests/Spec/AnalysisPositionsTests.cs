using static Retention.Tests.Spec.SpecSamples;

namespace Retention.Tests.Spec;

/// <summary>Where the loader says each analysis step is declared (for a failure while it runs to point at): its
/// sql value's line and column as `validate` writes them, in the profile that brought it, none for a --set's.</summary>
public class AnalysisPositionsTests
{
    /// <summary>"test.yaml:LINE:COLUMN" of the first occurrence of <paramref name="text"/>, counted from the YAML itself.</summary>
    static string At(string yaml, string text)
    {
        var lines = yaml.Split('\n');
        var line = Array.FindIndex(lines, l => l.Contains(text, StringComparison.Ordinal));
        Assert.True(line >= 0, $"'{text}' is not in the YAML");
        return $"test.yaml:{line + 1}:{lines[line].IndexOf(text, StringComparison.Ordinal) + 1}";
    }

    const string Head = "name: a\nsynthetic: {tasks: 2, dims_per_task: 2, width: 2}\n";

    [Fact]
    public void Tables_plots_and_overlays_are_found_at_their_sql_values()
    {
        var yaml = Head + Yaml(
            "analysis:",
            "  tables:",
            "    - name: first",
            "      sql: SELECT 1 AS one",
            "    - {name: second, sql: 'SELECT 2 AS two'}",
            "  plots:",
            "    - name: p",
            "      kind: line",
            "      sql: SELECT step, loss FROM metrics",
            "      x: step",
            "      y: loss",
            "      overlays:",
            "        - {x: step, y: loss, sql: \"SELECT step, loss FROM metrics WHERE task = 1\"}");

        var declared = Load(yaml).AnalysisDeclaredAt;

        Assert.Equal(At(yaml, "SELECT 1 AS one"), declared["analysis table 'first'"].ToString());
        Assert.Equal(At(yaml, "'SELECT 2 AS two'"), declared["analysis table 'second'"].ToString());
        Assert.Equal(At(yaml, "SELECT step, loss FROM metrics"), declared["plot 'p'"].ToString());
        Assert.Equal(At(yaml, "\"SELECT step, loss FROM metrics WHERE task = 1\""), declared["plot 'p' overlay 1"].ToString());
        Assert.Equal(4, declared.Count);
    }

    [Fact]
    public void A_profile_s_entry_is_found_in_the_profile_not_at_the_entry_it_replaces()
    {
        var yaml = Head + Yaml(
            "analysis:",
            "  tables:",
            "    - name: t",
            "      sql: SELECT 'base' AS x",
            "profiles:",
            "  cpu:",
            "    analysis:",
            "      tables:",
            "        - name: t",
            "          sql: SELECT 'profile' AS x");

        Assert.Equal(At(yaml, "SELECT 'profile' AS x"), Load(yaml, "cpu").AnalysisDeclaredAt["analysis table 't'"].ToString());
        Assert.Equal(At(yaml, "SELECT 'base' AS x"), Load(yaml).AnalysisDeclaredAt["analysis table 't'"].ToString());
    }

    [Fact]
    public void A_step_a_set_declares_has_no_position_and_the_file_s_others_keep_theirs()
    {
        var yaml = Head + Yaml(
            "analysis:",
            "  tables:",
            "    - name: t",
            "      sql: SELECT 1 AS x",
            "  plots:",
            "    - {name: p, kind: line, sql: 'SELECT step, loss FROM metrics', x: step, y: loss}");

        var declared = Load(yaml, null, "analysis.tables=[{name: u, sql: 'SELECT 2 AS y'}]").AnalysisDeclaredAt;

        Assert.False(declared.ContainsKey("analysis table 'u'"));
        Assert.False(declared.ContainsKey("analysis table 't'"));
        Assert.Equal(At(yaml, "'SELECT step, loss FROM metrics'"), declared["plot 'p'"].ToString());
    }
}
