using Retention.Artifacts;

namespace Retention.Tests.Host;

/// <summary>A table named like the cache's own listing (`files`, which catalog.duckdb keeps in its `_catalog` schema)
/// takes new runs' rows like any other table: the cache appends them to it, not to a mix of its columns and the
/// listing's, which failed the good file as damaged and told the user to train its run again.</summary>
public class QueryCacheTableNamesTests() : InTempFolder("query-cache-names-")
{
    static readonly TimeSpan Limit = TimeSpan.FromMinutes(2);

    sealed record Row(long Step, double Loss);

    static readonly RecordBatchBuilder<Row> Rows = new RecordBatchBuilder<Row>().Int64("step", r => r.Step).Float64("loss", r => r.Loss);

    [Theory]
    [InlineData("files")]
    [InlineData("Files")]
    public async Task A_new_runs_table_named_like_the_cache_listing_is_appended_to_its_own_table(string table)
    {
        var sweep = Path.Combine(dir, "artifacts", "s");
        foreach (var run in new[] { "a", "b" })
            await ArrowFiles.WriteTableAsync(Path.Combine(sweep, "runs", run, table + ".arrow"), Rows, [new Row(10, 0.5)]);
        var sql = $"SELECT run, step FROM {table} ORDER BY run";
        var first = CliProcess.Run(dir, Limit, "query", sweep, sql);
        Assert.True(first.Exit == 0, first.Err);
        Assert.True(File.Exists(Path.Combine(sweep, "catalog.duckdb")));

        // A run that ends after the first query: the cache appends its file.
        await ArrowFiles.WriteTableAsync(Path.Combine(sweep, "runs", "c", table + ".arrow"), Rows, [new Row(20, 0.25)]);
        var (exit, output, err) = CliProcess.Run(dir, Limit, "query", sweep, sql);
        Assert.True(exit == 0, err);
        Assert.DoesNotContain("note:", err);
        Assert.Equal("run  step\n---  ----\na      10\nb      10\nc      20\n", output);
    }
}
