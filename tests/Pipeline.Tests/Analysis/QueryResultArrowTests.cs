using Apache.Arrow;
using Apache.Arrow.Ipc;
using Apache.Arrow.Types;
using DuckDB.NET.Data;
using Retention.Analysis;
using Retention.Tests.Artifacts;

namespace Retention.Tests.Analysis;

public class QueryResultArrowTests
{
    [Fact]
    public async Task Results_convert_to_arrow_with_decimals_as_doubles_and_hugeints_as_int64()
    {
        using var connection = new DuckDBConnection("DataSource=:memory:");
        connection.Open();
        var result = SqlRunner.Query(connection, """
            SELECT x::INTEGER AS i, sum(x) OVER () AS total, 0.5 AS half, 'w' || x AS name, x > 1 AS big,
                   DATE '2024-01-02' AS day, TIMESTAMP '2024-01-02 03:04:05' AS at, CASE WHEN x = 1 THEN NULL ELSE x * 1.5 END::DOUBLE AS maybe
            FROM range(1, 3) t(x) ORDER BY x
            """);
        using var dir = new ArtifactTempDir();
        var path = dir.File("analysis", "t.arrow");

        await result.WriteArrowAsync(path);

        using var reader = new ArrowFileReader(File.OpenRead(path));
        using var batch = (await reader.ReadNextRecordBatchAsync())!;
        Assert.Equal(2, batch.Length);
        Assert.Equal([1, 2], ((Int32Array)batch.Column("i")).Values.ToArray());
        Assert.Equal([3L, 3L], ((Int64Array)batch.Column("total")).Values.ToArray());
        Assert.Equal([0.5, 0.5], ((DoubleArray)batch.Column("half")).Values.ToArray());
        Assert.Equal("w2", ((StringArray)batch.Column("name")).GetString(1));
        Assert.Equal(true, ((BooleanArray)batch.Column("big")).GetValue(1));
        Assert.Equal(new DateOnly(2024, 1, 2), ((Date32Array)batch.Column("day")).GetDateOnly(0));
        Assert.Equal(new DateTimeOffset(2024, 1, 2, 3, 4, 5, TimeSpan.Zero), ((TimestampArray)batch.Column("at")).GetTimestamp(0));
        Assert.Null(((DoubleArray)batch.Column("maybe")).GetValue(0));
        Assert.Equal(3.0, ((DoubleArray)batch.Column("maybe")).GetValue(1));
        Assert.IsType<Date32Type>(batch.Schema.GetFieldByName("day").DataType);
    }

    [Fact]
    public void A_type_with_no_arrow_mapping_names_the_column()
    {
        using var connection = new DuckDBConnection("DataSource=:memory:");
        connection.Open();
        var result = SqlRunner.Query(connection, "SELECT [1, 2] AS widths");

        var error = Assert.Throws<NotSupportedException>(() => result.ToRecordBatch());
        Assert.Contains("'widths'", error.Message);
    }
}
