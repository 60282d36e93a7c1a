using DuckDB.NET.Data;
using Retention.Analysis;

namespace Retention.Tests.Analysis;

public class SqlRunnerTests : IDisposable
{
    private readonly DuckDBConnection _connection = new("DataSource=:memory:");

    public SqlRunnerTests() => _connection.Open();

    public void Dispose() => _connection.Dispose();

    [Fact]
    public void Query_returns_columns_types_and_rows_with_null_for_NULL()
    {
        var result = SqlRunner.Query(_connection, "SELECT * FROM (VALUES (1, 'a', 0.5::DOUBLE), (2, NULL, NULL)) t(id, name, x) ORDER BY id");

        Assert.Equal(["id", "name", "x"], result.ColumnNames);
        Assert.Equal([typeof(int), typeof(string), typeof(double)], result.Columns.Select(c => c.ClrType));
        Assert.Equal(new object?[] { 1, "a", 0.5 }, result.Rows[0]);
        Assert.Equal(new object?[] { 2, null, null }, result.Rows[1]);
        Assert.Equal(new object?[] { "a", null }, result.Column("NAME"));
    }

    [Fact]
    public void Bad_sql_names_the_step_and_keeps_duckdbs_message()
    {
        var error = Assert.Throws<AnalysisException>(() =>
            SqlRunner.Query(_connection, "SELEC loss FROM metrics", "analysis table 'final_loss'"));

        Assert.StartsWith("analysis table 'final_loss': Parser Error", error.Message);
        Assert.Contains("SELEC", error.Message);
        Assert.Equal("analysis table 'final_loss'", error.Step);
    }

    [Fact]
    public void A_missing_table_names_the_step()
    {
        var error = Assert.Throws<AnalysisException>(() => SqlRunner.Execute(_connection, "INSERT INTO nowhere VALUES (1)", "plot 'p'"));

        Assert.StartsWith("plot 'p': Catalog Error", error.Message);
    }

    [Fact]
    public void Asking_for_a_missing_column_lists_the_columns_there_are()
    {
        var result = SqlRunner.Query(_connection, "SELECT 1 AS a, 2 AS b");

        var error = Assert.Throws<KeyNotFoundException>(() => result.ColumnIndex("c"));
        Assert.Contains("a, b", error.Message);
    }
}
