using Retention.Spec;

namespace Retention.Tests.Analysis;

/// <summary>An analysis reading a table its runs do not write (rare without synthetic.rare, a probe's table without the
/// probe, a typo) got DuckDB's "Table with name rare does not exist!" alone: the error lists the tables there are.</summary>
public class UnknownTableHintTests
{
    static string Tiny(string sql) => string.Join('\n',
        "name: tiny",
        "synthetic: {tasks: 4, dims_per_task: 4, width: 4}",
        "train: {steps: 20, log_every: 10}",
        "analysis:",
        "  tables:",
        "    - {name: first, sql: 'SELECT 1 AS a'}",
        $"    - {{name: final, sql: '{sql}'}}") + "\n";

    static SpecError Error(string yaml) =>
        Assert.Single(Assert.Throws<SpecException>(() => SpecLoader.LoadText(yaml, "tiny.yaml")).Errors);

    [Fact]
    public void A_table_the_runs_do_not_write_is_said_with_the_tables_there_are()
    {
        var error = Error(Tiny("SELECT * FROM rare"));
        Assert.Equal("analysis.tables[1].sql", error.Path);
        Assert.StartsWith("Catalog Error: Table with name rare does not exist!", error.Message);
        Assert.EndsWith("\nthe runs of this pipeline write injections, interference, metrics, params, theory, train, utilities; " +
            "the analysis tables before it: first", error.Message);
    }

    [Fact]
    public void A_table_declared_later_keeps_its_own_hint_alone()
    {
        var yaml = Tiny("SELECT * FROM first").Replace("SELECT 1 AS a", "SELECT * FROM final");
        var error = Assert.Throws<SpecException>(() => SpecLoader.LoadText(yaml, "tiny.yaml")).Errors[0];
        Assert.Contains("is declared after this table", error.Message);
        Assert.DoesNotContain("the runs of this pipeline write", error.Message);
    }
}
