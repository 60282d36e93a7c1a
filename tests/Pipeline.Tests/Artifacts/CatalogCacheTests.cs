using Retention.Analysis;
using Retention.Artifacts;
using Retention.Pipeline;
using Retention.Spec;

namespace Retention.Tests.Artifacts;

/// <summary>The cached catalog answers what loading every file answers, after runs are added, changed or removed.</summary>
public class CatalogCacheTests() : InTempFolder("catalog-cache-")
{
    async Task<string> Sweep(string name, params int[] widths)
    {
        var yaml = $"name: {name}\nsynthetic: {{tasks: 4, dims_per_task: 4, width: 4}}\ntrain: {{steps: 200, log_every: 50}}\nsweep: {{synthetic.width: [{string.Join(", ", widths)}]}}\n";
        var result = await PipelineRunner.RunAsync(SpecLoader.LoadText(yaml, "s.yaml"), dir, SilentProgress.Instance, CancellationToken.None, analyze: false);
        return result.SweepDir;
    }

    static string Rows(ArtifactCatalog catalog, string sql) =>
        string.Join("\n", SqlRunner.Query(catalog.Connection, sql).Rows.Select(r => string.Join(",", r)));

    const string Sql = "SELECT run, step, task, loss FROM metrics ORDER BY run, step, task";

    void AssertSameAsLoadingEverything(string sweep, string sql = Sql)
    {
        using var fresh = ArtifactCatalog.Open(sweep);
        using var cached = ArtifactCatalog.OpenCached(sweep);
        Assert.Equal(Rows(fresh, sql), Rows(cached, sql));
    }

    [Fact]
    public async Task Added_changed_and_removed_runs_are_seen_and_only_then_is_anything_read_again()
    {
        var sweep = await Sweep("a", 2, 3, 4);
        AssertSameAsLoadingEverything(sweep);
        Assert.True(File.Exists(Path.Combine(sweep, CatalogCache.FileName)));

        // A new run (an appended table), a changed run (its files rewritten), a removed run.
        var runs = Path.Combine(sweep, "runs");
        foreach (var f in Directory.GetFiles(Path.Combine(runs, "width-2")))
        {
            Directory.CreateDirectory(Path.Combine(runs, "width-9"));
            File.Copy(f, Path.Combine(runs, "width-9", Path.GetFileName(f)));
        }
        AssertSameAsLoadingEverything(sweep);
        File.Copy(Path.Combine(runs, "width-4", "metrics.arrow"), Path.Combine(runs, "width-3", "metrics.arrow"), overwrite: true);
        File.SetLastWriteTimeUtc(Path.Combine(runs, "width-3", "metrics.arrow"), DateTime.UtcNow.AddMinutes(1));
        AssertSameAsLoadingEverything(sweep);
        Directory.Delete(Path.Combine(runs, "width-2"), recursive: true);
        AssertSameAsLoadingEverything(sweep);
        using var cached = ArtifactCatalog.OpenCached(sweep);
        Assert.Equal("width-3,width-4,width-9", Rows(cached, "SELECT string_agg(DISTINCT run, ',' ORDER BY run) FROM params"));
        // SHOW TABLES lists the artifacts' tables only, as loading everything does (the cache's own listing is kept apart).
        using var fresh = ArtifactCatalog.Open(sweep);
        Assert.Equal(Rows(fresh, "SHOW TABLES"), Rows(cached, "SHOW TABLES"));
    }

    [Fact]
    public async Task A_same_size_copy_with_the_earlier_file_s_time_is_read_again()
    {
        // `cp -p other.arrow metrics.arrow` over a run's file: the size and the modification time stay as the cache listed
        // them, the rows do not.
        var sweep = await Sweep("p", 3, 4);
        AssertSameAsLoadingEverything(sweep);
        var runs = Path.Combine(sweep, "runs");
        string target = Path.Combine(runs, "width-3", "metrics.arrow"), other = Path.Combine(runs, "width-4", "metrics.arrow");
        var listed = new FileInfo(target);
        var (length, time) = (listed.Length, listed.LastWriteTimeUtc);
        Assert.Equal(length, new FileInfo(other).Length);
        Assert.NotEqual(await File.ReadAllBytesAsync(target), await File.ReadAllBytesAsync(other));
        var (stamp, tail) = (FileStamp.Of(target), FileStamp.Tail(target));
        if (OperatingSystem.IsLinux()) Assert.StartsWith("inode:", stamp.Change);   // statx was reached through libc, not the fallback

        File.Copy(other, target, overwrite: true);
        File.SetLastWriteTimeUtc(target, time);
        Assert.Equal((length, time), (new FileInfo(target).Length, new FileInfo(target).LastWriteTimeUtc));

        AssertSameAsLoadingEverything(sweep);
        // Either stamp sees it: statx's change time (Linux), and the hash of the file's end where there is no statx.
        Assert.NotEqual(stamp, FileStamp.Of(target));
        Assert.NotEqual(tail, FileStamp.Tail(target));
    }

    [Fact]
    public async Task A_cache_listed_before_stamps_reads_its_files_again_once()
    {
        var sweep = await Sweep("q", 2, 3);
        AssertSameAsLoadingEverything(sweep);
        using (var old = new DuckDB.NET.Data.DuckDBConnection($"DataSource={Path.Combine(sweep, CatalogCache.FileName)}"))
        {
            old.Open();
            CatalogCache.Execute(old, "ALTER TABLE _catalog.files DROP COLUMN stamp");
        }
        string target = Path.Combine(sweep, "runs", "width-2", "metrics.arrow"), other = Path.Combine(sweep, "runs", "width-3", "metrics.arrow");
        Assert.Equal(new FileInfo(target).Length, new FileInfo(other).Length);
        var time = File.GetLastWriteTimeUtc(target);
        File.Copy(other, target, overwrite: true);
        File.SetLastWriteTimeUtc(target, time);

        AssertSameAsLoadingEverything(sweep);
        using var cached = ArtifactCatalog.OpenCached(sweep);
        Assert.Equal("0", Rows(cached, "SELECT count(*) FROM _catalog.files WHERE stamp IS NULL"));
    }

    [Fact]
    public async Task What_a_holder_creates_or_changes_never_lands_in_the_cache()
    {
        var sweep = await Sweep("c", 2, 3);
        using (var cached = ArtifactCatalog.OpenCached(sweep))
        {
            SqlRunner.Execute(cached.Connection, "CREATE TABLE mine AS SELECT 1 AS x");
            SqlRunner.Execute(cached.Connection, "DELETE FROM metrics");
        }
        using var again = ArtifactCatalog.OpenCached(sweep);
        Assert.Equal("0", Rows(again, "SELECT count(*) FROM information_schema.tables WHERE table_name = 'mine'"));
        AssertSameAsLoadingEverything(sweep);
    }

    [Fact]
    public async Task While_another_process_holds_the_cache_a_query_loads_in_memory()
    {
        var sweep = await Sweep("b", 2, 3);
        using var holder = new DuckDB.NET.Data.DuckDBConnection($"DataSource={Path.Combine(sweep, CatalogCache.FileName)}");
        holder.Open();   // DuckDB lets one process write a database file; in this process a second open shares it
        AssertSameAsLoadingEverything(sweep);
    }

    [Fact]
    public async Task A_damaged_cache_file_is_not_an_error_the_query_loads_in_memory()
    {
        var sweep = await Sweep("d", 2, 3);
        File.WriteAllBytes(Path.Combine(sweep, CatalogCache.FileName), [.. Enumerable.Range(0, 8192).Select(i => (byte)(i * 37))]);
        AssertSameAsLoadingEverything(sweep);
    }

    [Theory]
    [InlineData("semi;colon")]             // ';' ended the connection string's value: an ArgumentException escaped the query
    [InlineData("a;DataSource=elsewhere")] // the later key won: the cache was looked for under another path
    [InlineData("quote'd \"and\" ünï")]
    public async Task A_sweep_folder_named_with_connection_string_characters_is_cached_in_itself(string name)
    {
        var sweep = await Sweep("f", 2, 3);
        var renamed = Path.Combine(dir, name);
        Directory.Move(sweep, renamed);
        AssertSameAsLoadingEverything(renamed);
        Assert.True(File.Exists(Path.Combine(renamed, CatalogCache.FileName)));
    }

    [Fact]
    public async Task A_folder_of_sweeps_is_queried_at_once_with_a_sweep_column()
    {
        await Sweep("first", 2, 3);
        await Sweep("second", 4);
        using var catalog = ArtifactCatalog.OpenCached(dir);
        Assert.Equal("first,2\nsecond,1", Rows(catalog, "SELECT sweep, count(DISTINCT run) FROM params GROUP BY sweep ORDER BY sweep"));
    }

    /// <summary>The cache's own view of a table: whether it holds it, and how many files it lists for it.</summary>
    static (bool Held, long Listed) Cached(ArtifactCatalog catalog, string table) =>
        (Rows(catalog, $"SELECT count(*) FROM information_schema.tables WHERE table_name = '{table}'") == "1",
         long.Parse(Rows(catalog, $"SELECT count(*) FROM _catalog.files WHERE tbl = '{table}'")));

    [Fact]
    public async Task A_file_damaged_after_the_cache_held_it_leaves_its_table_out_whole_and_no_stale_rows_behind()
    {
        var sweep = await Sweep("e", 2, 3);
        var runs = Path.Combine(sweep, "runs");
        var path = Path.Combine(runs, "width-3", "metrics.arrow");
        var good = await File.ReadAllBytesAsync(path);
        using (var first = ArtifactCatalog.OpenCached(sweep, DamagedTables.LeaveOut))
        {
            Assert.Empty(first.LeftOut);
            Assert.Equal((true, 2L), Cached(first, "metrics"));
        }

        DamagedArrow.Truncate(path);
        using (var damaged = ArtifactCatalog.OpenCached(sweep, DamagedTables.LeaveOut))
        {
            var left = Assert.Single(damaged.LeftOut);
            Assert.Equal(("metrics", path), (left.Name, left.File));
            Assert.DoesNotContain(damaged.Tables, t => t.Name == "metrics");
            // The cache no longer holds the earlier version of the table, nor lists its files: the next open tries it again.
            Assert.Equal((false, 0L), Cached(damaged, "metrics"));
            using var fresh = ArtifactCatalog.Open(sweep, DamagedTables.LeaveOut);
            Assert.Equal(fresh.Tables.Select(t => t.Name), damaged.Tables.Select(t => t.Name));
            Assert.Equal(Rows(fresh, "SHOW TABLES"), Rows(damaged, "SHOW TABLES"));
            Assert.Equal(Rows(fresh, "SELECT run, step, lr FROM train ORDER BY ALL"), Rows(damaged, "SELECT run, step, lr FROM train ORDER BY ALL"));
        }
        // The default open fails on it, through the cache as in memory.
        Assert.Equal(path, Assert.Throws<ArtifactException>(() => ArtifactCatalog.OpenCached(sweep)).FilePath);

        await File.WriteAllBytesAsync(path, good);   // repaired: the next query has the table again, every run of it
        File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddMinutes(10));
        AssertSameAsLoadingEverything(sweep);
        using (var repaired = ArtifactCatalog.OpenCached(sweep, DamagedTables.LeaveOut))
        {
            Assert.Empty(repaired.LeftOut);
            Assert.Equal((true, 2L), Cached(repaired, "metrics"));
        }

        // A new run whose file is damaged: the table goes whole, not just the new run's rows (the cache would append them).
        Directory.CreateDirectory(Path.Combine(runs, "width-9"));
        foreach (var f in Directory.GetFiles(Path.Combine(runs, "width-2")))
            File.Copy(f, Path.Combine(runs, "width-9", Path.GetFileName(f)));
        DamagedArrow.BreakFirstBatch(Path.Combine(runs, "width-9", "metrics.arrow"));
        using var appended = ArtifactCatalog.OpenCached(sweep, DamagedTables.LeaveOut);
        Assert.Equal("metrics", Assert.Single(appended.LeftOut).Name);
        Assert.Equal((false, 0L), Cached(appended, "metrics"));
        Assert.Equal("width-2,width-3,width-9", Rows(appended, "SELECT string_agg(DISTINCT run, ',' ORDER BY run) FROM params"));
    }

    [Fact]
    public async Task Swept_values_are_typed_columns()
    {
        var yaml = "name: typed\nsynthetic: {tasks: 4, dims_per_task: 4, width: 4}\ntrain: {steps: 100, log_every: 50}\n" +
                   "sweep: {synthetic.width: [2, 3], synthetic.frequency_exponent: [1, 1.5], synthetic.basis: [identity, random]}\n";
        var result = await PipelineRunner.RunAsync(SpecLoader.LoadText(yaml, "s.yaml"), dir, SilentProgress.Instance, CancellationToken.None, analyze: false);
        using var catalog = ArtifactCatalog.OpenCached(result.SweepDir);
        // Integers, numbers (1 and 1.5 widen to one DOUBLE column) and text, compared as what they are.
        Assert.Equal("basis:VARCHAR,frequency_exponent:DOUBLE,width:BIGINT", Rows(catalog,
            "SELECT string_agg(column_name || ':' || data_type, ',' ORDER BY column_name) FROM information_schema.columns " +
            "WHERE table_name = 'swept' AND column_name IN ('width', 'frequency_exponent', 'basis')"));
        Assert.Equal("2", Rows(catalog, "SELECT count(*) FROM swept WHERE width = 2 AND frequency_exponent > 1.2"));
    }
}
