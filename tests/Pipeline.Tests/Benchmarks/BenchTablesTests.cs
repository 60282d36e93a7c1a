using System.Globalization;
using Apache.Arrow;
using Apache.Arrow.Types;
using Retention.Benchmarks;

namespace Retention.Tests.Benchmarks;

/// <summary>Every `pipeline bench` table records when it was measured in one column of one format, so that a query
/// over artifacts/bench/ can order and join figures of different bench commands (the probes bench once wrote `stamp`
/// in another format).</summary>
public sealed class BenchTablesTests
{
    public static TheoryData<string, Schema> Tables => new()
    {
        { "synthetic", SyntheticBench.Table.Schema }, { "train", TrainBench.Table.Schema }, { "parity", ParityBench.Table.Schema },
        { "data", DataBench.Table.Schema }, { "probes", ProbeBench.Table.Schema }, { "query", QueryBench.Table.Schema },
    };

    [Theory, MemberData(nameof(Tables))]
    public void Each_bench_table_begins_with_a_text_timestamp_column(string bench, Schema schema)
    {
        var first = schema.FieldsList[0];
        Assert.True(first.Name == "timestamp", $"bench {bench}: first column is {first.Name}");
        Assert.IsType<StringType>(first.DataType);
    }

    [Fact]
    public void The_timestamp_is_utc_iso_8601_to_the_second_and_now()
    {
        var before = DateTimeOffset.UtcNow.AddSeconds(-1);
        var stamp = BenchRecords.Timestamp();
        var parsed = DateTimeOffset.ParseExact(stamp, "yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
        Assert.Equal(TimeSpan.Zero, parsed.Offset);
        Assert.InRange(parsed, before.AddTicks(-(before.Ticks % TimeSpan.TicksPerSecond)), DateTimeOffset.UtcNow);
    }
}
