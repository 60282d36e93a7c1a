using Retention.Artifacts;
using Retention.Benchmarks;
using Retention.Tests.Host;

namespace Retention.Tests.Benchmarks;

/// <summary>
/// Bench records are named by the second they are written in. Two benches finishing in the same second (started side by
/// side, at toy sizes) took the same name: one record replaced the other while both printed "recorded:" with that path,
/// or one failed with "Could not find file '....arrow.tmp'" as the other renamed its .tmp away (seen with three
/// `bench synthetic` started at once).
/// </summary>
public sealed class BenchRecordsTests() : InTempFolder("bench-records-")
{
    static readonly RecordBatchBuilder<int> Table = new RecordBatchBuilder<int>().Int32("value", v => v);
    static readonly DateTime Second = new(2026, 12, 2, 16, 49, 40, DateTimeKind.Utc);

    [Fact]
    public async Task A_record_in_the_same_second_as_another_gets_the_next_number_and_both_keep_their_rows()
    {
        var first = await BenchRecords.WriteAsync(dir, "synthetic", Table, [1], Second);
        var second = await BenchRecords.WriteAsync(dir, "synthetic", Table, [2], Second.AddMilliseconds(500));
        var third = await BenchRecords.WriteAsync(dir, "synthetic", Table, [3], Second);
        var bench = Path.Combine(dir, "bench");
        Assert.Equal(Path.Combine(bench, "synthetic-20261202-164940.arrow"), first);
        Assert.Equal(Path.Combine(bench, "synthetic-20261202-164940-2.arrow"), second);
        Assert.Equal(Path.Combine(bench, "synthetic-20261202-164940-3.arrow"), third);
        Assert.Equal([1, 2, 3], new[] { first, second, third }.Select(p => (int)ArrowRows.Read(p).Single()["value"]!));
        // Another name in that second is not numbered, and nothing but the records is left in the folder.
        Assert.Equal(Path.Combine(bench, "parity-20261202-164940.arrow"), await BenchRecords.WriteAsync(dir, "parity", Table, [4], Second));
        Assert.Equal(4, Directory.GetFileSystemEntries(bench).Length);
    }

    [Fact]
    public async Task Records_written_at_once_in_the_same_second_each_get_a_name_of_their_own()
    {
        const int writers = 8;
        var paths = await Task.WhenAll(Enumerable.Range(0, writers).Select(i => Task.Run(() => BenchRecords.WriteAsync(dir, "synthetic", Table, [i], Second))));
        Assert.Equal(writers, paths.Distinct().Count());
        Assert.Equal(Enumerable.Range(0, writers), paths.Select(p => (int)ArrowRows.Read(p).Single()["value"]!));   // each its own row
        Assert.Equal(paths.Order(StringComparer.Ordinal), Directory.GetFiles(Path.Combine(dir, "bench")).Order(StringComparer.Ordinal));
    }
}
