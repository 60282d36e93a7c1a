namespace Retention.Tests.Host;

/// <summary>A table's SQL of several statements, as `validate` refuses it: the statement that would run unseen is named by
/// its number in the SQL, not by a line number that reads as the file's beside the error's own file position.</summary>
public sealed class MultiStatementSqlCliTests() : InTempFolder("multi-statement-")
{
    static readonly TimeSpan Limit = TimeSpan.FromMinutes(2);

    [Fact]
    public void The_second_statement_is_named_by_its_number_in_the_sql()
    {
        File.WriteAllText(Path.Combine(dir, "m.yaml"), string.Join('\n',
            "name: m",
            "synthetic: {tasks: 4, dims_per_task: 2, width: 2}",
            "analysis:",
            "  tables: [{name: t, sql: \"select 1; select 2\"}]") + "\n");

        var (exit, _, err) = CliProcess.Run(dir, Limit, "validate", "m.yaml");

        Assert.Equal(2, exit);
        Assert.StartsWith("error: m.yaml:4:", err);
        Assert.Contains("its SQL holds 2 statements, but a table or plot is the result of one query: statement 2 of the SQL (select 2) " +
            "would run with no step of its own", err);
        Assert.DoesNotContain("on line", err);
    }
}
