using System.Text.Json;
using DuckDB.NET.Data;
using Retention.Analysis;
using Retention.Spec;

namespace Retention.Tests.Analysis;

/// <summary>A line or scatter plot's text series come in the order its query returns them, and take their colours and
/// legend places from it. Every shipped plot with a series orders its query: without an ORDER BY (a GROUP BY, a UNION ALL)
/// DuckDB's threads return rows in any order, and olmo-frequency-phase's test_accuracy_curves changed colours between two
/// `analyze` runs of one sweep. Read with DuckDB's own parser (json_serialize_sql), not by matching text. Ties within an
/// ORDER BY (two tasks of one frequency) are not seen here: each shipped query orders by the series' own column or the
/// columns it is made of.</summary>
public sealed class ShippedPlotOrderTests
{
    [Theory]
    [MemberData(nameof(Spec.ShippedPipelineRoundTripTests.ShippedPipelines), MemberType = typeof(Spec.ShippedPipelineRoundTripTests))]
    public void Every_shipped_plot_with_series_orders_its_query(string file, string? profile)
    {
        var analysis = SpecLoader.Load(Pipeline.RepoFiles.Pipeline(file), profile).Spec.Analysis;
        using var connection = new DuckDBConnection("DataSource=:memory:");
        connection.Open();
        var unordered = analysis.Plots.Where(p => p.Series is not null && !OrdersItsRows(connection, p.Sql)).Select(p => p.Name).ToList();
        Assert.True(unordered.Count == 0, $"{file} ({profile ?? "no profile"}): plots whose query has no ORDER BY: {string.Join(", ", unordered)}");
    }

    /// <summary>Whether the statement's outermost query ends in an ORDER BY (one inside a subquery or a CTE orders nothing
    /// the plot reads).</summary>
    static bool OrdersItsRows(DuckDBConnection connection, string sql)
    {
        var json = (string)SqlRunner.Query(connection, $"SELECT json_serialize_sql({SqlLiteral(sql)})").Rows[0][0]!;
        using var parsed = JsonDocument.Parse(json);
        Assert.False(parsed.RootElement.GetProperty("error").GetBoolean(), json);
        var node = parsed.RootElement.GetProperty("statements")[0].GetProperty("node");
        return node.GetProperty("modifiers").EnumerateArray().Any(m => m.GetProperty("type").GetString() == "ORDER_MODIFIER");
    }

    static string SqlLiteral(string text) => "'" + text.Replace("'", "''") + "'";
}
