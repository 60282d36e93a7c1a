using System.Diagnostics;
using Retention.Analysis;
using Retention.Artifacts;

namespace Retention.Benchmarks;

/// <summary>One `bench query` measurement: a sweep of N runs, the first query (which builds the cached
/// catalog), a query once it exists, and one after a run was added (an incremental update).</summary>
public sealed record QueryBenchRow(string Timestamp, int Runs, long Files, double FirstSeconds, double CachedSeconds, double AfterNewRunSeconds);

/// <summary>
/// Seconds per query against the number of runs: copies of one run's directory make a sweep of N runs
/// (the files and rows a real sweep of N such runs has), and each query opens the catalog as
/// `pipeline query` does and counts a table's rows.
/// </summary>
public static class QueryBench
{
    public static readonly RecordBatchBuilder<QueryBenchRow> Table = new RecordBatchBuilder<QueryBenchRow>()
        .Utf8("timestamp", r => r.Timestamp).Int32("runs", r => r.Runs).Int64("files", r => r.Files)
        .Float64("first_s", r => r.FirstSeconds).Float64("cached_s", r => r.CachedSeconds).Float64("after_new_run_s", r => r.AfterNewRunSeconds);

    /// <summary>What is wrong with the SQL as DuckDB's parser sees it (no table is read), null when it parses: said before a
    /// template run is trained for it.</summary>
    public static string? SqlProblem(string sql)
    {
        using var connection = new DuckDB.NET.Data.DuckDBConnection("DataSource=:memory:");
        connection.Open();
        var statements = SqlStatements.Split(connection, sql);
        return statements.Count == 0 ? "has no statement" : statements.FirstOrDefault(s => !s.Parses)?.ParseError;
    }

    /// <summary>What is wrong with the SQL over the template run's own tables (a table or column they lack), null when it
    /// runs: said as an error of --sql before the copies, not as a failed first measurement.</summary>
    public static string? RunProblem(string templateRun, string sql)
    {
        using var catalog = ArtifactCatalog.Open(templateRun);
        try
        {
            SqlRunner.Query(catalog.Connection, sql, "--sql");
            return null;
        }
        catch (AnalysisException e)
        {
            return e.Message;
        }
    }

    /// <param name="ct">Checked between copies and queries: a stop records nothing.</param>
    public static IReadOnlyList<QueryBenchRow> Run(string templateRun, IReadOnlyList<int> sizes, string sql, Action<string> log, CancellationToken ct = default)
    {
        var stamp = BenchRecords.Timestamp();
        var rows = new List<QueryBenchRow>();
        long perRun = Directory.EnumerateFiles(templateRun, "*.arrow").LongCount();   // what Copy copies of it
        foreach (var n in sizes)
        {
            var sweep = Directory.CreateTempSubdirectory("bench-query-").FullName;
            try
            {
                for (int i = 0; i < n; i++)
                {
                    ct.ThrowIfCancellationRequested();
                    Copy(templateRun, ArtifactLayout.RunDir(sweep, $"run-{i:D5}"));
                }
                double Time()
                {
                    ct.ThrowIfCancellationRequested();
                    var clock = Stopwatch.StartNew();
                    using var catalog = ArtifactCatalog.OpenCached(sweep);
                    SqlRunner.Query(catalog.Connection, sql);
                    return clock.Elapsed.TotalSeconds;
                }
                double first = Time(), cached = Time();
                Copy(templateRun, ArtifactLayout.RunDir(sweep, "run-new"));
                double added = Time();
                long files = n * perRun;   // in the n-run sweep the first two queries read
                rows.Add(new QueryBenchRow(stamp, n, files, first, cached, added));
                // "1 run " (was "1 runs"): the figures after it stay in one column.
                log($"{n,5} {(n == 1 ? "run " : "runs")} ({files:N0} Arrow files): first query {first:F2} s (builds catalog.duckdb), then {cached:F3} s; after one more run {added:F3} s");
            }
            finally { Directory.Delete(sweep, recursive: true); }
        }
        return rows;
    }

    static void Copy(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from)) File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
    }

    public static Task<string> RecordAsync(IReadOnlyList<QueryBenchRow> rows, string artifactsRoot) =>
        BenchRecords.WriteAsync(artifactsRoot, "query", Table, rows);
}
