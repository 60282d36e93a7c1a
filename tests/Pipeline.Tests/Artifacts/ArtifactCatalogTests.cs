using Apache.Arrow;
using Apache.Arrow.Types;
using Retention.Analysis;
using Retention.Artifacts;

namespace Retention.Tests.Artifacts;

public class ArtifactCatalogTests
{
    private sealed record MetricA(long Step, double Loss);
    private sealed record MetricB(int Step, double Loss, float Signal);
    private sealed record Params(int Width, long Seed);
    private sealed record Named(string Run, double Value);

    private static readonly RecordBatchBuilder<MetricA> MetricsA =
        new RecordBatchBuilder<MetricA>().Int64("step", r => r.Step).Float64("loss", r => r.Loss);
    // Run b was "written by another version": step is int32 and there is an extra column.
    private static readonly RecordBatchBuilder<MetricB> MetricsB = new RecordBatchBuilder<MetricB>()
        .Int32("step", r => r.Step).Float64("loss", r => r.Loss).Float32("signal", r => r.Signal);
    private static readonly RecordBatchBuilder<Params> ParamsTable =
        new RecordBatchBuilder<Params>().Int32("width", r => r.Width).Int64("seed", r => r.Seed);

    /// <summary>Two runs: a (width 8, steps 0..1) and b (width 16, steps 0..2, with a signal column).</summary>
    private static async Task<ArtifactTempDir> TwoRunSweep()
    {
        var dir = new ArtifactTempDir();
        await ArrowFiles.WriteTableAsync(dir.File("runs", "a", "metrics.arrow"), MetricsA,
            [new MetricA(0, 1.0), new MetricA(1, 0.5)]);
        await ArrowFiles.WriteTableAsync(dir.File("runs", "a", "params.arrow"), ParamsTable, [new Params(8, 1)]);
        await ArrowFiles.WriteTableAsync(dir.File("runs", "b", "metrics.arrow"), MetricsB,
            [new MetricB(0, 2.0, 0.25f), new MetricB(1, 1.5, 0.75f), new MetricB(4_000_000, 1.0, 1.0f)]);
        await ArrowFiles.WriteTableAsync(dir.File("runs", "b", "params.arrow"), ParamsTable, [new Params(16, 2)]);
        return dir;
    }

    [Fact]
    public async Task Runs_are_unioned_by_column_name_with_a_run_column()
    {
        using var dir = await TwoRunSweep();
        using var catalog = ArtifactCatalog.Open(dir.Path);

        var result = SqlRunner.Query(catalog.Connection, """
            SELECT m.run, count(*) AS n, sum(step) AS steps, sum(loss) AS loss, sum(signal) AS signal, any_value(p.width) AS width
            FROM metrics m JOIN params p USING (run)
            GROUP BY m.run ORDER BY m.run
            """);

        Assert.Equal(["run", "step", "loss", "signal"], SqlRunner.Query(catalog.Connection, "SELECT * FROM metrics").ColumnNames);
        Assert.Equal(2, result.Rows.Count);
        // a: steps 0+1, loss 1.0+0.5, no signal column -> NULL
        Assert.Equal(new object?[] { "a", 2L, 1L, 1.5, null, 8 }, Normalise(result.Rows[0]));
        // b: int32 steps widened to BIGINT without corruption
        Assert.Equal(new object?[] { "b", 3L, 4_000_001L, 4.5, 2.0, 16 }, Normalise(result.Rows[1]));
        Assert.Equal(5, catalog.Tables.Single(t => t.Name == "metrics").Rows);
    }

    [Fact]
    public async Task A_run_directory_opens_as_one_run_named_after_it()
    {
        using var dir = await TwoRunSweep();
        using var catalog = ArtifactCatalog.Open(dir.File("runs", "b"));

        var result = SqlRunner.Query(catalog.Connection, "SELECT DISTINCT run FROM metrics");

        Assert.Equal("b", Assert.Single(result.Rows)[0]);
    }

    [Fact]
    public async Task Analysis_files_load_as_they_are_and_unfinished_tmp_files_are_ignored()
    {
        using var dir = await TwoRunSweep();
        var named = new RecordBatchBuilder<Named>().Utf8("run", r => r.Run).Float64("value", r => r.Value);
        await ArrowFiles.WriteTableAsync(dir.File("analysis", "final_loss.arrow"), named, [new Named("a", 0.5)]);
        await File.WriteAllTextAsync(dir.File("runs", "a", "probe.arrow.tmp"), "half-written by a crashed run");

        using var catalog = ArtifactCatalog.Open(dir.Path);

        var result = SqlRunner.Query(catalog.Connection, "SELECT * FROM final_loss");
        Assert.Equal(["run", "value"], result.ColumnNames);
        Assert.Equal(new object?[] { "a", 0.5 }, result.Rows[0]);
        Assert.False(catalog.Tables.Single(t => t.Name == "final_loss").PerRun);
        Assert.DoesNotContain(catalog.Tables, t => t.Name.StartsWith("probe"));
    }

    [Fact]
    public async Task A_truncated_file_is_an_error_naming_the_file()
    {
        using var dir = await TwoRunSweep();
        var path = dir.File("runs", "b", "metrics.arrow");
        var bytes = await File.ReadAllBytesAsync(path);
        await File.WriteAllBytesAsync(path, bytes[..(bytes.Length / 2)]);

        var error = Assert.Throws<ArtifactException>(() => ArtifactCatalog.Open(dir.Path));

        Assert.Equal(path, error.FilePath);
        Assert.Contains(path, error.Message);
    }

    [Fact]
    public async Task A_file_that_is_not_arrow_is_an_error_naming_the_file()
    {
        using var dir = await TwoRunSweep();
        var path = dir.File("runs", "a", "theory.arrow");
        await File.WriteAllTextAsync(path, "step,loss\n0,1.0\n");

        var error = Assert.Throws<ArtifactException>(() => ArtifactCatalog.Open(dir.Path));

        Assert.Contains(path, error.Message);
    }

    [Fact]
    public async Task An_unsupported_arrow_type_is_an_error_naming_file_and_column()
    {
        using var dir = new ArtifactTempDir();
        var path = dir.File("runs", "a", "blobs.arrow");
        var schema = new Schema([new Field("payload", BinaryType.Default, nullable: true)], null);
        using (var batch = new RecordBatch(schema, [new BinaryArray.Builder().Append([1, 2, 3]).Build()], 1))
            await ArrowFiles.WriteBatchAsync(path, batch);

        var error = Assert.Throws<ArtifactException>(() => ArtifactCatalog.Open(dir.Path));

        Assert.Contains(path, error.Message);
        Assert.Contains("'payload'", error.Message);
    }

    [Fact]
    public async Task Conflicting_column_types_across_runs_are_an_error()
    {
        using var dir = await TwoRunSweep();
        var named = new RecordBatchBuilder<Named>().Utf8("step", r => r.Run).Float64("loss", r => r.Value);
        var path = dir.File("runs", "c", "metrics.arrow");
        await ArrowFiles.WriteTableAsync(path, named, [new Named("zero", 1.0)]);

        var error = Assert.Throws<ArtifactException>(() => ArtifactCatalog.Open(dir.Path));

        Assert.Contains(path, error.Message);
        Assert.Contains("'step'", error.Message);
    }

    [Fact]
    public void A_missing_directory_is_an_error()
    {
        var path = Path.Combine(Path.GetTempPath(), "retention-tests", "does-not-exist-" + Guid.NewGuid());
        Assert.Throws<ArtifactException>(() => ArtifactCatalog.Open(path));
    }

    [Fact]
    public async Task A_damaged_file_fails_the_default_open_naming_the_file_and_what_to_do()
    {
        using var dir = await TwoRunSweep();
        var path = dir.File("runs", "b", "metrics.arrow");
        DamagedArrow.Truncate(path);

        var error = Assert.Throws<ArtifactException>(() => ArtifactCatalog.Open(dir.Path));

        Assert.Equal(path, error.FilePath);
        Assert.StartsWith($"{path}: not a readable Arrow IPC file (", error.Message);
        // The whole run is trained again: --resume skips a completed run whose directory is kept.
        Assert.Contains($"; table 'metrics' cannot be loaded without it: to train that run again, delete its directory {dir.File("runs", "b")} " +
            "and run the sweep's pipeline with `pipeline run FILE --resume`", error.Message);
    }

    [Fact]
    public async Task A_damaged_analysis_file_is_an_error_saying_to_delete_it_or_analyze_again()
    {
        using var dir = await TwoRunSweep();
        var path = dir.File("analysis", "final_loss.arrow");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await File.WriteAllTextAsync(path, "not arrow");

        var error = Assert.Throws<ArtifactException>(() => ArtifactCatalog.Open(dir.Path));

        Assert.Equal(path, error.FilePath);
        Assert.EndsWith($"table 'final_loss' cannot be loaded without it: delete the file (`pipeline analyze {dir.Path}` writes the tables " +
            "of the sweep's analysis again)", error.Message);
    }

    [Fact]
    public async Task A_table_with_a_file_that_fails_after_others_loaded_is_left_out_whole_when_asked_and_the_others_load()
    {
        using var dir = await TwoRunSweep();
        var path = dir.File("runs", "b", "metrics.arrow");
        DamagedArrow.BreakFirstBatch(path);   // its schema reads: run a's rows are appended before b's fail

        using var catalog = ArtifactCatalog.Open(dir.Path, DamagedTables.LeaveOut);

        Assert.Equal(["params"], catalog.Tables.Select(t => t.Name));
        // Not a metrics table of run a's two rows: none at all.
        Assert.Equal("params", Scalar(catalog, "SELECT string_agg(table_name, ',') FROM information_schema.tables"));
        Assert.Equal(24L, Scalar(catalog, "SELECT sum(width) FROM params"));   // both runs' params: 8 + 16
        var left = Assert.Single(catalog.LeftOut);
        Assert.Equal(("metrics", path), (left.Name, left.File));
        var note = Assert.Single(catalog.Notes);
        Assert.StartsWith($"table 'metrics' is left out (none of its files is loaded): {path}: cannot load into table 'metrics' (", note);
        Assert.Contains($"to train that run again, delete its directory {dir.File("runs", "b")}", note);
        // The default open fails on the same file.
        Assert.Equal(path, Assert.Throws<ArtifactException>(() => ArtifactCatalog.Open(dir.Path)).FilePath);
    }

    [Fact]
    public async Task A_damaged_part_of_a_table_a_killed_run_left_unfinished_names_the_run_directory_to_delete()
    {
        using var dir = await TwoRunSweep();
        var part = ArrowParts.PathOf(dir.File("runs", "c", "metrics.arrow"), 1, 5);
        Directory.CreateDirectory(Path.GetDirectoryName(part)!);
        await File.WriteAllTextAsync(part, "cut short by the kill");

        using var catalog = ArtifactCatalog.Open(dir.Path, DamagedTables.LeaveOut);

        var left = Assert.Single(catalog.LeftOut);
        Assert.Equal(("metrics", part), (left.Name, left.File));
        Assert.StartsWith($"to train that run again, delete its directory {dir.File("runs", "c")} and", left.Advice);
    }

    [Fact]
    public async Task Conflicting_column_types_leave_the_table_out_when_asked()
    {
        using var dir = await TwoRunSweep();
        var named = new RecordBatchBuilder<Named>().Utf8("step", r => r.Run).Float64("loss", r => r.Value);
        var path = dir.File("runs", "c", "metrics.arrow");
        await ArrowFiles.WriteTableAsync(path, named, [new Named("zero", 1.0)]);

        using var catalog = ArtifactCatalog.Open(dir.Path, DamagedTables.LeaveOut);

        var left = Assert.Single(catalog.LeftOut);
        Assert.Equal(("metrics", path), (left.Name, left.File));
        Assert.StartsWith("column 'step' is VARCHAR here but BIGINT in", left.Reason);
        Assert.Equal(["params"], catalog.Tables.Select(t => t.Name));
    }

    [Fact]
    public async Task A_folder_of_sweeps_leaves_out_an_analysis_table_with_an_unreadable_file_when_asked()
    {
        using var dir = new ArtifactTempDir();
        var named = new RecordBatchBuilder<Named>().Utf8("run", r => r.Run).Float64("value", r => r.Value);
        foreach (var sweep in new[] { "s1", "s2" })
        {
            await ArrowFiles.WriteTableAsync(dir.File(sweep, "runs", "a", "metrics.arrow"), MetricsA, [new MetricA(0, 1.0)]);
            await ArrowFiles.WriteTableAsync(dir.File(sweep, "analysis", "final.arrow"), named, [new Named("a", 0.5)]);
        }
        var path = dir.File("s2", "analysis", "final.arrow");
        DamagedArrow.Truncate(path);

        using (var catalog = ArtifactCatalog.Open(dir.Path, DamagedTables.LeaveOut))
        {
            Assert.Equal(["metrics"], catalog.Tables.Select(t => t.Name));
            var left = Assert.Single(catalog.LeftOut);
            Assert.Equal(("final", path), (left.Name, left.File));
            Assert.Equal($"delete the file (`pipeline analyze {dir.File("s2")}` writes the tables of the sweep's analysis again)", left.Advice);
        }
        Assert.Equal(path, Assert.Throws<ArtifactException>(() => ArtifactCatalog.Open(dir.Path)).FilePath);
    }

    [Fact]
    public async Task Analysis_tables_the_caller_writes_again_are_not_read_and_run_tables_always_are()
    {
        using var dir = await TwoRunSweep();
        var named = new RecordBatchBuilder<Named>().Utf8("run", r => r.Run).Float64("value", r => r.Value);
        await ArrowFiles.WriteTableAsync(dir.File("analysis", "kept.arrow"), named, [new Named("a", 0.5)]);
        var damaged = dir.File("analysis", "final_loss.arrow");
        await File.WriteAllTextAsync(damaged, "not arrow");

        using (var catalog = ArtifactCatalog.Open(dir.Path, notRead: ["final_loss"]))
            Assert.Equal(["kept", "metrics", "params"], catalog.Tables.Select(t => t.Name).Order(StringComparer.Ordinal));
        Assert.Equal(damaged, Assert.Throws<ArtifactException>(() => ArtifactCatalog.Open(dir.Path, notRead: ["kept"])).FilePath);
        // Names match the file name exactly, as a writer names its file (FINAL_LOSS.arrow is another file on Linux).
        Assert.Equal(damaged, Assert.Throws<ArtifactException>(() => ArtifactCatalog.Open(dir.Path, notRead: ["FINAL_LOSS"])).FilePath);

        File.Delete(damaged);
        var run = dir.File("runs", "b", "metrics.arrow");
        DamagedArrow.Truncate(run);
        Assert.Equal(run, Assert.Throws<ArtifactException>(() => ArtifactCatalog.Open(dir.Path, notRead: ["metrics"])).FilePath);
    }

    [Fact]
    public void A_file_is_an_error_saying_it_is_not_a_directory()
    {
        using var dir = new ArtifactTempDir();
        var path = dir.File("s.yaml");
        File.WriteAllText(path, "name: s\n");
        Assert.Equal($"{path}: is a file, not an artifact directory", Assert.Throws<ArtifactException>(() => ArtifactCatalog.Open(path)).Message);
    }

    private static object? Scalar(ArtifactCatalog catalog, string sql) => Normalise(SqlRunner.Query(catalog.Connection, sql).Rows[0])[0];

    // DuckDB returns HUGEINT (BigInteger) for sums of integers; compare as long.
    private static object?[] Normalise(IReadOnlyList<object?> row) =>
        [.. row.Select(v => v is System.Numerics.BigInteger b ? (long)b : v)];
}
