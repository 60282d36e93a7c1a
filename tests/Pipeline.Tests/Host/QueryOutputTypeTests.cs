using Retention.Artifacts;

namespace Retention.Tests.Host;

/// <summary>`pipeline query --output FILE.arrow` of a result whose column Arrow cannot hold here (a LIST, a TIME, a
/// HUGEINT beyond int64): one `error:` line naming the column and what to do, exit 2, no stack trace, no file.</summary>
public class QueryOutputTypeTests() : InTempFolder("query-output-type-")
{
    static readonly TimeSpan Limit = TimeSpan.FromMinutes(2);

    sealed record Metric(long Step, double Loss);

    static readonly RecordBatchBuilder<Metric> Metrics = new RecordBatchBuilder<Metric>().Int64("step", m => m.Step).Float64("loss", m => m.Loss);

    async Task<string> Sweep()
    {
        var sweep = Path.Combine(dir, "artifacts", "s");
        await ArrowFiles.WriteTableAsync(Path.Combine(sweep, "runs", "a", "metrics.arrow"), Metrics, [new Metric(0, 1), new Metric(10, 0.5)]);
        return sweep;
    }

    (int Exit, string Out, string Err) Query(params string[] args) => CliProcess.Run(dir, Limit, ["query", .. args]);

    [Fact]
    public async Task A_column_Arrow_output_cannot_hold_is_an_error_naming_it_with_no_stack_trace_and_no_file()
    {
        var sweep = await Sweep();
        foreach (var (sql, column, says) in new[]
                 {
                     ("SELECT step, [step, step] AS l FROM metrics", "l", "has DuckDB type List, which is not written to Arrow; CAST it in the SQL"),
                     ("SELECT TIME '12:00:00' AS t", "t", "has DuckDB type Time, which is not written to Arrow; CAST it in the SQL"),
                     ("SELECT 170141183460469231731687303715884105727::HUGEINT AS h", "h", "holds 170141183460469231731687303715884105727, beyond the 64-bit integers"),
                 })
        {
            var (exit, output, err) = Query(sweep, sql, "--output", "out/r.arrow");
            Assert.Equal(2, exit);
            Assert.DoesNotContain("Unhandled exception", err);
            Assert.DoesNotContain("   at ", err);
            Assert.Contains($"error: --output out/r.arrow: column '{column}' {says}", err);
            Assert.Contains("or write .parquet or .csv", err);
            Assert.NotEqual("", output);   // the result was printed before the file was refused
            Assert.False(File.Exists(Path.Combine(dir, "out", "r.arrow")));
            Assert.Empty(Directory.EnumerateFiles(Path.Combine(dir, "out")));
        }
        // What the error offers works: Parquet keeps the list.
        var parquet = Query(sweep, "SELECT step, [step, step] AS l FROM metrics ORDER BY step", "--output", "out/r.parquet");
        Assert.True(parquet.Exit == 0, parquet.Err);
        Assert.True(File.Exists(Path.Combine(dir, "out", "r.parquet")));
    }
}
