using System.Text.RegularExpressions;
using Apache.Arrow.Types;
using DuckDB.NET.Data;
using Retention.Analysis;
using Retention.Data;

namespace Retention.Tests.Docs;

/// <summary>injections.arrow has a column named offset, which DuckDB's SQL reserves: the README's description of the table
/// shows the query that works (names quoted), and it runs against the table's own columns where the unquoted one does not.</summary>
public class ReadmeInjectionsQueryTests
{
    [Fact]
    public void The_readmes_injections_query_quotes_the_reserved_column_and_runs_where_the_unquoted_one_does_not()
    {
        var example = Regex.Match(Readme.Load().Text, "`(SELECT [^`]*FROM injections)`").Groups[1].Value;
        Assert.Contains("\"offset\"", example);

        using var connection = new DuckDBConnection("DataSource=:memory:");
        connection.Open();
        var fields = DataTables.Injections.Schema.FieldsList;
        SqlRunner.Execute(connection, $"CREATE TABLE injections ({string.Join(", ", fields.Select(f => $"\"{f.Name}\" {SqlType(f.DataType)}"))})");
        SqlRunner.Execute(connection, $"INSERT INTO injections VALUES ({string.Join(", ", fields.Select(f => f.DataType is StringType ? "'cmp'" : "7"))})");

        var result = SqlRunner.Query(connection, example);
        Assert.Equal(fields.Select(f => f.Name), result.ColumnNames);   // the README names every column, as the table spells it
        Assert.Single(result.Rows);
        var unquoted = Assert.Throws<AnalysisException>(() => SqlRunner.Query(connection, example.Replace("\"", "")));
        Assert.Contains("Parser Error", unquoted.Message);
    }

    static string SqlType(IArrowType type) => type switch
    {
        Int64Type => "BIGINT",
        Int32Type => "INTEGER",
        StringType => "VARCHAR",
        _ => throw new ArgumentException($"a column of type {type.Name}: add it here"),
    };
}
