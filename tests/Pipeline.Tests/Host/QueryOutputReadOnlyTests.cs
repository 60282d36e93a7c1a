using Retention.Artifacts;

namespace Retention.Tests.Host;

/// <summary>
/// `query --output` into a folder on a read-only file system (a tmpfs mounted read-only in a private mount namespace, as
/// DiskFullTests does): each format fails the same way, exit 1 after the result is printed, with one line saying what to
/// do. A .csv or .parquet, written by DuckDB's COPY, ended at DuckDB's "IO Error: ... Read-only file system" alone, where
/// an .arrow, written by .NET, said "the file system is mounted read-only: write to a folder you can write to".
/// </summary>
public class QueryOutputReadOnlyTests() : InTempFolder("query-output-read-only-")
{
    sealed record Metric(long Step, double Loss);

    static readonly RecordBatchBuilder<Metric> Metrics = new RecordBatchBuilder<Metric>().Int64("step", m => m.Step).Float64("loss", m => m.Loss);

    [Fact]
    public async Task Every_output_format_into_a_read_only_folder_says_so_and_what_to_do()
    {
        await ArrowFiles.WriteTableAsync(Path.Combine(dir, "artifacts", "s", "runs", "a", "metrics.arrow"), Metrics, [new Metric(0, 1.5), new Metric(10, 0.5)]);
        var script = string.Join(" ; ", [
            "mkdir -p ro && mount -t tmpfs -o ro,size=100k tmpfs ro || exit 99",
            .. new[] { "csv", "parquet", "arrow" }.Select(format =>
                $"{CliProcess.CommandLine} query artifacts/s 'SELECT count(*) AS n FROM metrics' --output ro/r.{format} > {format}.out 2> {format}.err; " +
                $"echo \"{format}: exit=$? out=$(tr '\\n' '|' < {format}.out) err=$(cat {format}.err) lines=$(wc -l < {format}.err)\"")]);
        var output = PrivateMounts.Run(dir, script);
        foreach (var format in new[] { "csv", "parquet", "arrow" })
        {
            Assert.Contains($"{format}: exit=1 out=n|-|2| err=error: --output ro/r.{format}: ", output);
            Assert.Matches($@"{format}: exit=1 .*Read-only file system.* — the file system is mounted read-only: write to a folder you can write to lines=1", output);
        }
    }
}
