namespace Retention.Tests.Host;

/// <summary>An analysis table's SQL error as `validate`, `analyze` and a --set analysis print it: DuckDB's LINE excerpt
/// shows the SQL the user wrote, not the CREATE OR REPLACE TABLE the runner wraps it in, with the caret under the culprit,
/// and a one-line value is said at the culprit's column in the file.</summary>
public sealed class SqlErrorExcerptCliTests() : InTempFolder("sql-excerpt-")
{
    static readonly TimeSpan Limit = TimeSpan.FromMinutes(2);

    const string Head = "name: p\nsynthetic: {tasks: 4, dims_per_task: 2, width: 2}\ntrain: {steps: 20, log_every: 10}\n";

    const string Plain = Head + """
        analysis:
          tables:
            - name: folded
              sql: SELECT run, width, nocol AS y FROM params

        """;

    /// <summary>DuckDB's excerpt of the SQL, from "LINE" to the caret.</summary>
    static string Excerpt(string err)
    {
        var lines = err.ReplaceLineEndings("\n").Split('\n');
        var at = Array.FindIndex(lines, l => l.StartsWith("LINE ", StringComparison.Ordinal));
        Assert.True(at >= 0, err);
        return lines[at] + "\n" + lines[at + 1][..(lines[at + 1].IndexOf('^') + 1)];
    }

    const string Said = "LINE 1: SELECT run, width, nocol AS y FROM params\n" +
                        "                           ^";

    [Fact]
    public void Validate_and_analyze_show_a_plain_scalar_s_own_sql_and_place_the_error_at_its_column()
    {
        File.WriteAllText(Path.Combine(dir, "p.yaml"), Plain);
        var validate = CliProcess.Run(dir, Limit, "validate", "p.yaml");
        Assert.Equal(2, validate.Exit);
        Assert.StartsWith("error: p.yaml:7:31: analysis.tables[0].sql: Binder Error: Referenced column \"nocol\"", validate.Err);   // read by eye
        Assert.Equal(Said, Excerpt(validate.Err));
        Assert.DoesNotContain("CREATE", validate.Err);

        Directory.CreateDirectory(Path.Combine(dir, "sweep"));
        var analyze = CliProcess.Run(dir, Limit, "analyze", "sweep", "--pipeline", "p.yaml");
        Assert.Equal(2, analyze.Exit);
        Assert.StartsWith("error: p.yaml:7:31: ", analyze.Err);
        Assert.Equal(Said, Excerpt(analyze.Err));
    }

    [Fact]
    public void An_analysis_given_with_set_shows_its_own_sql()
    {
        File.WriteAllText(Path.Combine(dir, "p.yaml"), Head);
        var set = CliProcess.Run(dir, Limit, "validate", "p.yaml", "--set", "analysis={tables: [{name: folded, sql: 'SELECT run, width, nocol AS y FROM params'}]}");
        Assert.Equal(2, set.Exit);
        Assert.Equal(Said, Excerpt(set.Err));
        Assert.DoesNotContain("CREATE", set.Err);
    }

    [Fact]
    public void A_long_line_cut_by_DuckDB_shows_none_of_the_create_table_before_it()
    {
        // DuckDB cuts a long line around the culprit; with a long table name the cut fell inside the CREATE TABLE.
        var sum = string.Join(" + ", Enumerable.Range(1, 20));
        File.WriteAllText(Path.Combine(dir, "p.yaml"), Head + $"""
            analysis:
              tables:
                - name: a_rather_long_table_name_for_the_cut_to_fall_in
                  sql: SELECT nocol, run, {sum} FROM params

            """);
        var validate = CliProcess.Run(dir, Limit, "validate", "p.yaml");
        Assert.Equal(2, validate.Exit);
        Assert.StartsWith("error: p.yaml:7:19: ", validate.Err);
        var excerpt = Excerpt(validate.Err).Split('\n');
        Assert.StartsWith("LINE 1: SELECT nocol, run, 1 + 2", excerpt[0]);
        Assert.Equal("LINE 1: SELECT ".Length, excerpt[1].IndexOf('^'));
    }
}
