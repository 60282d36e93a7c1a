using Retention.Artifacts;
using Retention.Benchmarks;

namespace Retention.Tests.Host;

/// <summary>
/// `pipeline query artifacts/bench` gave each bench record (one file per invocation) a table of its own, named like
/// "synthetic-20261203-071827": comparing figures across days took a UNION by hand. Each kind of record is also a view
/// that joins every record of that kind by column name, with a first column naming the record.
/// </summary>
public sealed class BenchRecordViewsTests() : InTempFolder("bench-views-")
{
    static readonly TimeSpan Limit = TimeSpan.FromMinutes(2);
    static readonly DateTime Day1 = new(2026, 12, 1, 7, 18, 27, DateTimeKind.Utc);

    static BenchRow Row(int width, double stepsPerS) => new("2026-12-01T07:18:27Z", "cpu", "single", 32, 16, 256, width, 1, 300, 1.0, stepsPerS, stepsPerS);

    /// <summary>A record written before the bench had its last column (cell_steps_per_s): the same writer, one column fewer.</summary>
    static readonly RecordBatchBuilder<BenchRow> Older = new RecordBatchBuilder<BenchRow>()
        .Utf8("timestamp", r => r.Timestamp).Utf8("device", r => r.Device).Utf8("mode", r => r.Mode)
        .Int32("tasks", r => r.Tasks).Int32("dims_per_task", r => r.DimsPerTask).Int32("batch_size", r => r.BatchSize)
        .Int32("width", r => r.Width).Int32("cells", r => r.Cells).Int32("steps", r => r.Steps)
        .Float64("seconds", r => r.Seconds).Float64("steps_per_s", r => r.StepsPerSecond);

    static TrainBenchRow Train(string model) => new("2026-12-01T07:18:27Z", "cpu", model, 1000, "fp32", 8, 512, 1, 5, 0.5, 8192, 1, 1e12, 0.1, false);

    (int Exit, string Out, string Err) Query(string sql, string output) =>
        CliProcess.Run(dir, Limit, "query", "bench", sql, "--output", output);

    [Fact]
    public async Task Each_kind_of_record_is_a_view_joining_its_records_by_column_name()
    {
        var older = await BenchRecords.WriteAsync(dir, "synthetic", Older, [Row(16, 100)], Day1);
        var later = await BenchRecords.WriteAsync(dir, "synthetic", SyntheticBench.Table, [Row(16, 110), Row(128, 50)], Day1.AddDays(1));
        var same = await BenchRecords.WriteAsync(dir, "synthetic", SyntheticBench.Table, [Row(512, 20)], Day1.AddDays(1));   // its -2
        await BenchRecords.WriteAsync(dir, "train-4M", TrainBench.Table, [Train("4M")], Day1);
        await BenchRecords.WriteAsync(dir, "train-20M", TrainBench.Table, [Train("20M")], Day1);
        Assert.EndsWith("synthetic-20261202-071827-2.arrow", same);

        var (exit, _, err) = Query("SELECT record, width, steps_per_s, cell_steps_per_s IS NULL AS older FROM synthetic ORDER BY record, width", "synthetic.csv");
        Assert.True(exit == 0, err);
        Assert.Equal(["record,width,steps_per_s,older",
            "synthetic-20261201-071827,16,100.0,true",
            "synthetic-20261202-071827,16,110.0,false",
            "synthetic-20261202-071827,128,50.0,false",
            "synthetic-20261202-071827-2,512,20.0,false"],
            File.ReadAllLines(Path.Combine(dir, "synthetic.csv")));
        Assert.Equal("synthetic-20261201-071827", Path.GetFileNameWithoutExtension(older));
        // After record, the run column every table of a folder read as one run's directory has, the folder's name (as README
        // says); the record files have none.
        (exit, _, err) = Query("SELECT * FROM synthetic ORDER BY record, width LIMIT 1", "all.csv");
        Assert.True(exit == 0, err);
        Assert.StartsWith("record,run,timestamp,device,", File.ReadAllLines(Path.Combine(dir, "all.csv"))[0]);
        Assert.StartsWith("synthetic-20261201-071827,bench,", File.ReadAllLines(Path.Combine(dir, "all.csv"))[1]);
        Assert.DoesNotContain("run", Assert.Single(ArrowRows.Read(older)).Keys);
        Assert.EndsWith("synthetic-20261202-071827.arrow", later);

        // train-4M and train-20M are one kind, train; the records' own tables stay, and SHOW TABLES lists all.
        (exit, _, err) = Query("SELECT record, model FROM train ORDER BY model", "train.csv");
        Assert.True(exit == 0, err);
        Assert.Equal(["record,model", "train-20M-20261201-071827,20M", "train-4M-20261201-071827,4M"], File.ReadAllLines(Path.Combine(dir, "train.csv")));
        (exit, _, err) = Query("SHOW TABLES", "tables.arrow");
        Assert.True(exit == 0, err);
        Assert.Equal(["synthetic", "synthetic-20261201-071827", "synthetic-20261202-071827", "synthetic-20261202-071827-2", "train",
                "train-20M-20261201-071827", "train-4M-20261201-071827"],
            ArrowRows.Read(Path.Combine(dir, "tables.arrow")).Select(r => (string)r["name"]!).Order(StringComparer.Ordinal));
        Assert.DoesNotContain("note:", err);
    }

    /// <summary>A record's name ends in its time, so only a file of another kind can be named like a view: it keeps its name.</summary>
    [Fact]
    public async Task A_table_named_like_a_kind_keeps_the_name_and_the_view_is_said_to_be_left_out()
    {
        var table = new RecordBatchBuilder<int>().Int32("value", v => v);
        await BenchRecords.WriteAsync(dir, "parity", table, [1], Day1);
        await ArrowFiles.WriteTableAsync(Path.Combine(dir, "bench", "parity.arrow"), table, [7]);
        var (exit, _, err) = Query("SELECT value FROM parity", "parity.csv");
        Assert.True(exit == 0, err);
        Assert.Equal(["value", "7"], File.ReadAllLines(Path.Combine(dir, "parity.csv")));
        Assert.Contains("note: the 1 record of kind 'parity' has no view 'parity' joining it: table 'parity' " +
            $"({Path.Combine(dir, "bench", "parity.arrow")}) has that name; query each record's own table", err);
    }
}
