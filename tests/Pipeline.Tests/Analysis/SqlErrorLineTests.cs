using Retention.Analysis;
using Retention.Spec;
using static Retention.Tests.Spec.SpecSamples;

namespace Retention.Tests.Analysis;

/// <summary>
/// A step that fails when it runs, with an error DuckDB places in its SQL ("LINE 3:" and a caret under the culprit), is said
/// at that line of the pipeline file where the SQL is a literal block (<c>sql: |</c>), whose lines are the file's lines after
/// its indicator, and at the caret's column; a one-line value (plain, quoted, folded) found as is in the file, at the
/// caret's column too; where the SQL's text is not the file's (an escape, a line kept apart), or DuckDB places nothing, at
/// its sql value.
/// </summary>
public class SqlErrorLineTests
{
    const string Head = "name: a\nsynthetic: {tasks: 2, dims_per_task: 2, width: 2}\n";

    /// <summary>The failure of running <paramref name="yaml"/>'s analysis over the fixture's sweep. Its analysis is not
    /// checked when loading: the fixture's tables are not the ones the runs would write, so a column the SQL names
    /// (width, which the fixture's metrics lack) fails only when it runs, as over a sweep written by another version.</summary>
    static async Task<(AnalysisException Error, LoadedPipeline Pipeline)> Failure(string yaml)
    {
        using var sweep = await AnalysisSweepFixture.CreateAsync();
        var pipeline = SpecLoader.LoadText(yaml, "p.yaml", checkAnalysis: false);
        return (await Assert.ThrowsAsync<AnalysisException>(() => AnalysisRunner.RunAsync(sweep.Path, pipeline.Spec.Analysis, pipeline: pipeline)), pipeline);
    }

    /// <summary>"p.yaml:LINE:COLUMN" of <paramref name="text"/> in the line holding <paramref name="line"/>, counted from the YAML itself.</summary>
    static string At(string yaml, string line, string text)
    {
        var lines = yaml.Split('\n');
        var index = Array.FindIndex(lines, l => l.Contains(line, StringComparison.Ordinal));
        Assert.True(index >= 0, $"'{line}' is not in the YAML");
        var column = lines[index].IndexOf(text, lines[index].IndexOf(line, StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.True(column >= 0, $"'{text}' is not in '{lines[index]}'");
        return $"p.yaml:{index + 1}:{column + 1}";
    }

    static string Table(params string[] sql) => Head + Yaml(["analysis:", "  tables:", "    - name: t", .. sql]);

    [Fact]
    public async Task A_table_s_error_is_said_at_its_line_and_column_in_a_literal_block()
    {
        var yaml = Table(
            "      sql: |",
            "        SELECT step,",
            "               width AS w",
            "        FROM metrics");

        var (error, _) = await Failure(yaml);

        Assert.Equal(At(yaml, "width AS w", "width"), error.DeclaredAt);
        Assert.Equal("p.yaml:8:16", error.DeclaredAt);   // the YAML above, read by eye
        Assert.StartsWith("p.yaml:8:16: analysis table 't': Binder Error", error.Message);
        Assert.Contains("LINE 2:", error.Message);   // DuckDB's own words stay
    }

    [Fact]
    public async Task The_first_line_s_column_is_the_culprit_s_though_DuckDB_echoes_it_after_the_CREATE_TABLE()
    {
        var yaml = Table(
            "      sql: |",
            "        SELECT step, width FROM metrics",
            "        WHERE task = 1");

        var (error, _) = await Failure(yaml);

        Assert.Equal(At(yaml, "SELECT step, width", "width"), error.DeclaredAt);
    }

    [Fact]
    public async Task A_long_line_DuckDB_echoes_in_part_still_gives_the_column()
    {
        var columns = string.Join(", ", Enumerable.Range(0, 30).Select(i => $"step AS s{i}"));
        var yaml = Table(
            "      sql: |",
            "        SELECT",
            $"          {columns}, width AS w",
            "        FROM metrics");

        var (error, _) = await Failure(yaml);

        Assert.Contains("...", error.Message);   // DuckDB cut the line around the culprit
        Assert.Equal(At(yaml, "width AS w", "width"), error.DeclaredAt);
    }

    [Fact]
    public async Task Plots_and_overlays_in_literal_blocks_are_said_at_their_lines()
    {
        var plot = Head + Yaml(
            "analysis:",
            "  plots:",
            "    - name: p",
            "      kind: line",
            "      x: step",
            "      y: loss",
            "      sql: |",
            "        SELECT step, loss",
            "        FROM metrics WHERE width > 0");
        Assert.Equal(At(plot, "FROM metrics WHERE width", "width"), (await Failure(plot)).Error.DeclaredAt);

        var overlay = Head + Yaml(
            "analysis:",
            "  plots:",
            "    - name: p",
            "      kind: line",
            "      x: step",
            "      y: loss",
            "      sql: SELECT step, loss FROM metrics",
            "      overlays:",
            "        - x: step",
            "          y: loss",
            "          sql: |-",
            "            SELECT step,",
            "              width AS loss FROM metrics");
        Assert.Equal(At(overlay, "width AS loss", "width"), (await Failure(overlay)).Error.DeclaredAt);
    }

    [Theory]
    [InlineData("folded, a line kept apart", ">", "      sql: >", "        SELECT step,", "               width AS w", "        FROM metrics")]
    [InlineData("single-quoted, an escaped quote", "'", "      sql: 'SELECT step, ''x'' AS q, width AS w FROM metrics'")]
    [InlineData("double-quoted, an escape", "\"", "      sql: \"SELECT step,\\twidth AS w FROM metrics\"")]
    public async Task Where_the_SQL_s_text_is_not_the_file_s_the_step_is_said_at_its_value(string kind, string value, params string[] sql)
    {
        var yaml = Table(sql);

        var (error, pipeline) = await Failure(yaml);

        Assert.True(error.Message.Contains("LINE ", StringComparison.Ordinal), $"{kind}: {error.Message}");
        Assert.Equal(At(yaml, "sql: ", value), error.DeclaredAt);
        Assert.Equal(pipeline.AnalysisDeclaredAt[AnalysisSteps.Table("t")].ToString(), error.DeclaredAt);
    }

    [Theory]
    [InlineData("one line", "      sql: SELECT step, width AS w FROM metrics")]
    [InlineData("plain over lines", "      sql: SELECT step,", "        width AS w FROM metrics")]
    [InlineData("plain, a comment after", "      sql: SELECT step, width AS w FROM metrics   # why")]
    [InlineData("double-quoted over lines", "      sql: \"SELECT step,", "               width AS w FROM metrics\"")]
    [InlineData("single-quoted", "      sql: 'SELECT step, width AS w FROM metrics'")]
    [InlineData("folded", "      sql: >", "        SELECT step,", "        width AS w", "        FROM metrics")]
    public async Task A_one_line_value_is_said_at_the_culprit_and_DuckDB_s_excerpt_is_the_SQL_as_written(string kind, params string[] sql)
    {
        var yaml = Table(sql);

        var (error, _) = await Failure(yaml);

        Assert.True(error.DeclaredAt == At(yaml, "width AS w", "width"), $"{kind}: {error.Message}");
        // No CREATE OR REPLACE TABLE the runner wrapped it in; the caret under width.
        var excerpt = error.Message[error.Message.IndexOf("LINE 1: ", StringComparison.Ordinal)..].Split('\n');
        Assert.Equal("LINE 1: SELECT step, width AS w FROM metrics", excerpt[0]);
        Assert.Equal(excerpt[0].IndexOf("width", StringComparison.Ordinal), excerpt[1].IndexOf('^'));
    }

    [Fact]
    public async Task An_error_DuckDB_places_nowhere_is_said_at_the_block_s_indicator()
    {
        var yaml = Table(
            "      sql: |",
            "        SELECT error('no rows wanted') AS x",
            "        FROM metrics");

        var (error, _) = await Failure(yaml);

        Assert.DoesNotContain("LINE ", error.Message);
        Assert.Equal(At(yaml, "sql: |", "|"), error.DeclaredAt);
    }

    [Theory]
    [InlineData("pg_namespace")]
    [InlineData("sqlite_schema")]
    [InlineData("main.sqlite_master")]
    [InlineData("information_schema.tables")]
    [InlineData("duckdb_tables")]
    public void A_suggestion_of_a_duckdb_system_table_is_left_out_of_the_message(string suggested)
    {
        var message = $"Catalog Error: Table with name metrcs does not exist!\nDid you mean \"{suggested}\"?\n\nLINE 1: SELECT * FROM metrcs";
        Assert.Equal("Catalog Error: Table with name metrcs does not exist!\n\nLINE 1: SELECT * FROM metrcs", SqlRunner.WithoutSystemSuggestion(message));
        var user = message.Replace(suggested, "metrics");   // one of the user's tables: kept
        Assert.Equal(user, SqlRunner.WithoutSystemSuggestion(user));
    }
}
