using Retention.Spec;

namespace Retention.Tests.Analysis;

/// <summary>The analysis section is checked against the schemas the runs will write, before training:
/// a typo is a positioned validation error, not a failure after the run.</summary>
public class AnalysisCheckTests
{
    static string Synthetic(params string[] analysis) => string.Join('\n', [
        "name: a", "synthetic: {tasks: 4, dims_per_task: 4, width: 4}", "train: {steps: 10}", "analysis:", .. analysis]) + "\n";

    static IReadOnlyList<SpecError> Errors(string yaml) =>
        Assert.Throws<SpecException>(() => SpecLoader.LoadText(yaml, "a.yaml")).Errors;

    [Fact]
    public void A_column_typo_in_a_table_is_an_error_at_its_sql()
    {
        var error = Assert.Single(Errors(Synthetic("  tables:", "    - {name: t, sql: 'SELECT stpe, loss FROM metrics'}")));
        Assert.Equal((6, 30, "analysis.tables[0].sql"), (error.Line, error.Column, error.Path));   // at stpe, DuckDB's caret
        Assert.Contains("stpe", error.Message);
        Assert.Contains("before training", error.Message);
    }

    [Fact]
    public void An_error_in_a_literal_block_points_at_its_line_and_column_in_the_file()
    {
        var error = Assert.Single(Errors(Synthetic(
            "  tables:",                    // 5
            "    - name: t",                // 6
            "      sql: |",                 // 7
            "        SELECT step,",         // 8
            "               stpe",          // 9: the typo, at column 16
            "        FROM metrics")));
        Assert.Equal((9, 16, "analysis.tables[0].sql"), (error.Line, error.Column, error.Path));
        // DuckDB echoes the first line after the CREATE TABLE the SQL runs in: still the culprit's column.
        var first = Assert.Single(Errors(Synthetic("  tables:", "    - name: t", "      sql: |", "        SELECT stpe FROM metrics")));
        Assert.Equal((8, 16), (first.Line, first.Column));
    }

    [Fact]
    public void A_table_or_plot_of_several_statements_is_refused_at_the_second_statement_before_any_runs()
    {
        // DuckDB would run them all and keep the first result: here the DROP would remove metrics from every later step.
        var errors = Errors(Synthetic(
            "  tables:",                                      // 5
            "    - name: t",                                  // 6
            "      sql: |",                                   // 7
            "        SELECT max(step) AS s FROM metrics;",    // 8
            "        DROP TABLE metrics",                     // 9
            "    - {name: later, sql: 'SELECT step FROM metrics'}",
            "  plots:",
            "    - {name: p, kind: line, sql: 'SELECT step, loss FROM metrics; SELECT 1 AS x', x: step, y: loss}"));
        Assert.Equal(["analysis.tables[0].sql", "analysis.plots[0].sql"], errors.Select(e => e.Path));   // `later` still finds metrics
        Assert.Equal(9, errors[0].Line);
        Assert.Contains("holds 2 statements", errors[0].Message);
        Assert.Contains("statement 2 of the SQL (DROP TABLE metrics)", errors[0].Message);
        Assert.Contains("(SELECT 1 AS x)", errors[1].Message);
        // One statement with its closing ';' (or a ';' in a comment or string) is one query.
        SpecLoader.LoadText(Synthetic("  tables:", "    - name: t", "      sql: |",
            "        SELECT ';' AS c, max(step) AS s FROM metrics -- the last; really", "        ;"), "a.yaml");
    }

    [Fact]
    public void A_table_reading_a_table_declared_after_it_is_told_the_order()
    {
        var error = Assert.Single(Errors(Synthetic(
            "  tables:",
            "    - {name: summary, sql: 'SELECT count(*) AS n FROM Final'}",
            "    - {name: other, sql: 'SELECT 1 AS x'}",
            "    - {name: final, sql: 'SELECT step FROM metrics'}")));
        Assert.Equal("analysis.tables[0].sql", error.Path);
        Assert.Contains("'final' is declared after this table (analysis.tables[2]); tables are made in the order they are written", error.Message);
        var typo = Assert.Single(Errors(Synthetic("  tables:", "    - {name: summary, sql: 'SELECT count(*) AS n FROM fnial'}")));
        Assert.DoesNotContain("declared after", typo.Message);   // a name no table has: DuckDB's message alone
    }

    [Fact]
    public void Later_tables_and_plots_see_earlier_tables_and_a_missing_axis_column_is_named()
    {
        var errors = Errors(Synthetic(
            "  tables:",
            "    - {name: final, sql: 'SELECT p.width, m.task, m.loss FROM metrics m JOIN params p USING (run)'}",
            "  plots:",
            "    - {name: p, kind: heatmap, sql: 'SELECT width, task, loss FROM final', x: task, y: widht, value: loss}"));
        var error = Assert.Single(errors);
        Assert.Equal("analysis.plots[0].y", error.Path);
        Assert.Contains("no column 'widht'", error.Message);
        Assert.Contains("width, task, loss", error.Message);
    }

    [Fact]
    public void A_failed_table_is_reported_once_not_again_by_every_query_that_uses_it()
    {
        var errors = Errors(Synthetic(
            "  tables:",
            "    - {name: final, sql: 'SELECT nope FROM metrics'}",
            "    - {name: again, sql: 'SELECT * FROM final'}",
            "  plots:",
            "    - {name: p, kind: line, sql: 'SELECT * FROM final', x: a, y: b}",
            "    - {name: q, kind: line, sql: 'SELECT step FROM metrics', x: step, y: nothing}"));
        Assert.Equal(["analysis.tables[0].sql", "analysis.plots[1].y"], errors.Select(e => e.Path));
    }

    [Fact]
    public void A_failed_table_hides_only_the_errors_that_name_it_not_every_one_holding_its_letters()
    {
        // A table named t once made every later message with a 't' in it "a consequence" of its failure, so one pass
        // did not report everything: here the plot's missing column, and a table reading t_other, which names no t.
        var errors = Errors(Synthetic(
            "  tables:",
            "    - {name: t, sql: 'SELECT nope FROM metrics'}",
            "    - {name: t_other, sql: 'SELECT stpe FROM metrics'}",
            "    - {name: again, sql: 'SELECT * FROM t'}",
            "  plots:",
            "    - {name: q, kind: line, sql: 'SELECT step FROM metrics', x: step, y: nothing}"));
        Assert.Equal(["analysis.tables[0].sql", "analysis.tables[1].sql", "analysis.plots[0].y"], errors.Select(e => e.Path));
    }

    [Fact]
    public void The_swept_table_is_known_from_the_sweep_with_its_columns_typed_by_value()
    {
        // The README's "SELECT ... FROM metrics JOIN swept USING (run)": numeric columns add up, a
        // key whose values are integers and fractions is a double, a text value stays text.
        string Swept(string sql) => Synthetic("  tables:", $"    - {{name: t, sql: '{sql}'}}")
            + "sweep: {synthetic.width: [4, 8], train.lr: [1, 0.5], synthetic.basis: [identity, random]}\n";
        var ok = SpecLoader.LoadText(Swept(
            "SELECT s.width + 1 AS w, s.lr * 2 AS lr2, upper(s.basis) AS basis, avg(m.loss) AS loss FROM metrics m JOIN swept s USING (run) GROUP BY ALL"), "a.yaml");
        Assert.Equal(8, ok.Runs.Count);
        // lr is a double, not an integer column with 0.5 in it: integer division would be refused here.
        Assert.Single(Errors(Swept("SELECT s.width FROM swept s WHERE s.lr::BIGINT // 0 = 1 AND s.basis + 1 > 0")));
        var typo = Assert.Single(Errors(Swept("SELECT widht FROM swept")));
        Assert.Contains("widht", typo.Message);
        // Without a sweep there is no swept table.
        Assert.Contains("swept", Assert.Single(Errors(Synthetic("  tables:", "    - {name: t, sql: 'SELECT * FROM swept'}"))).Message);
    }

    [Fact]
    public void A_swept_key_of_no_declared_field_has_one_type_over_all_its_values()
    {
        var schema = Retention.Pipeline.SweptValues.SchemaOf([
            new("width", ["16", "64"]), new("lr", ["1", "0.5"]), new("preset", ["4M", "20M"]), new("flag", ["true", "false"]), new("mixed", ["1", "a"])]);
        Assert.Equal(["int64", "double", "utf8", "bool", "utf8"], schema.FieldsList.Select(f => f.DataType.Name));
    }

    [Fact]
    public void Tables_that_only_some_experiments_write_are_known_per_experiment()
    {
        // rare.arrow exists only with a rare task; an OLMo run writes task_metrics, not metrics.
        Assert.Single(Errors(Synthetic("  tables:", "    - {name: t, sql: 'SELECT n_crit FROM rare'}")));
        var rare = Synthetic("  tables:", "    - {name: t, sql: 'SELECT n_crit FROM rare'}").Replace("width: 4}", "width: 4, rare: {frequency: 0.01}}");
        Assert.Equal("t", SpecLoader.LoadText(rare, "a.yaml").Spec.Analysis.Tables[0].Name);
    }

    [Fact]
    public void Every_error_of_a_file_comes_in_one_pass_binding_validation_and_analysis_together()
    {
        var errors = Errors(string.Join('\n',
            "name: a",
            "seed: x",                              // binding: not an integer
            "synthetic: {tasks: 0, widht: 3}",      // validation and an unknown key
            "train: {steps: -5, lr: fast}",         // validation and binding
            "analysis:",
            "  tables:",
            "    - {name: t, sql: 'SELECT nope FROM metrics'}") + "\n");
        Assert.Equal(["seed", "synthetic.tasks", "synthetic", "train.steps", "train.lr", "analysis.tables[0].sql"],
            errors.Select(e => e.Path));
    }
}
