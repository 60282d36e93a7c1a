using System.Text.Json;
using Retention.Analysis;
using Retention.Artifacts;
using Retention.Tests.Pipeline;

namespace Retention.Tests.Host;

/// <summary>Where a sweep meets the unusual through the CLI: a stop before anything was logged, damaged
/// bookkeeping files, a resume of a smaller sweep or from another data folder, a query whose result is
/// written to a file.</summary>
public class SweepEdgeCasesTests() : InTempFolder("sweep-edges-")
{
    static readonly TimeSpan Limit = TimeSpan.FromMinutes(3);

    string Sweep => Path.Combine(dir, "artifacts", "syn");

    void Synthetic(long steps, long logEvery, string plotWhere = "task = 0") => File.WriteAllText(Path.Combine(dir, "syn.yaml"), string.Join('\n',
        "name: syn", "synthetic: {tasks: 4, dims_per_task: 4, width: 4}",
        $"train: {{steps: {steps}, batch_size: 32, log_every: {logEvery}}}",
        "sweep: {synthetic.width: [2, 4], synthetic.frequency_exponent: [0.5, 1.0]}",
        "analysis:",
        $"  plots: [{{name: curve, kind: line, sql: 'SELECT step, loss, run FROM metrics WHERE {plotWhere}', x: step, y: loss, series: run}}]") + "\n");

    [Fact]
    public void A_stop_before_the_analysis_has_rows_is_still_a_stop_exit_130_not_a_failure()
    {
        // The plot reads rows that only the last step logs: on an interrupted sweep it has none.
        Synthetic(2_000_000, 1_000_000, plotWhere: "step = 2000000");
        using var run = CliProcess.Start(dir, "run", "syn.yaml", "--jobs", "1");
        run.WaitUntil(() => Directory.Exists(Path.Combine(Sweep, "runs")) &&
            Directory.EnumerateFiles(Path.Combine(Sweep, "runs"), "*.arrow.tmp", SearchOption.AllDirectories).Any(), Limit, "training");
        run.Signal(15);
        var (exit, output, err) = run.WaitForExit(Limit);
        Assert.True(exit == 130, err);
        Assert.Contains("the analysis of what the interrupted runs wrote did not complete", output);
        Assert.Contains("no rows to plot", output);
        Assert.DoesNotContain("error:", err);
        Assert.All(Directory.GetDirectories(Path.Combine(Sweep, "runs")), r =>
            Assert.Equal("interrupted", JsonDocument.Parse(File.ReadAllText(Path.Combine(r, "status.json"))).RootElement.GetProperty("state").GetString()));
    }

    [Fact]
    public void A_resumed_run_says_how_far_it_had_come_and_analyze_waits_for_runs_still_held()
    {
        // Stopped a second after the first group opened its tables (~2,400 steps/s per group on a 2-core machine): mid-training,
        // with steps taken, so the stop leaves a step to resume at; the resume then trains both groups (one from step 0).
        Synthetic(12_000, 6_000);
        var runDir = Path.Combine(Sweep, "runs", "width-2_frequency_exponent-0.5");
        using (var run = CliProcess.Start(dir, "run", "syn.yaml", "--jobs", "1", "--no-analysis"))
        {
            run.WaitUntil(() => File.Exists(Path.Combine(runDir, "metrics.arrow.tmp")), Limit, "training");
            Thread.Sleep(1000);
            run.Signal(15);
            Assert.Equal(130, run.WaitForExit(Limit).Exit);
        }
        long stoppedAt = JsonDocument.Parse(File.ReadAllText(Path.Combine(runDir, "status.json"))).RootElement.GetProperty("steps").GetInt64();
        Assert.InRange(stoppedAt, 1, 11_999);

        // A run directory held by another process (a cluster task): analyze does not read its tables half-written.
        using (SweepLock.AcquireAll([runDir]))
        {
            var busy = CliProcess.Run(dir, Limit, "analyze", Sweep);
            Assert.Equal(1, busy.Exit);
            Assert.Contains("is being trained by another pipeline process", busy.Err);
        }

        var resume = CliProcess.Run(dir, Limit, "run", "syn.yaml", "--jobs", "1", "--no-analysis", "--resume");
        Assert.True(resume.Exit == 0, resume.Err);
        var status = JsonDocument.Parse(File.ReadAllText(Path.Combine(runDir, "status.json"))).RootElement;
        Assert.Equal(12_000, status.GetProperty("steps").GetInt64());
        Assert.Equal(stoppedAt, status.GetProperty("from_step").GetInt64());   // this attempt's seconds are for the steps after it
        Assert.Contains($"after resuming at {stoppedAt}", resume.Out);
    }

    /// <summary>A shipped synthetic analysis over a sweep of two seeds: one row per configuration (the mean over
    /// seeds, which it counts), not a row per seed without a seed column, nor a sum or a max across seeds.
    /// <paramref name="rows"/> is the number of configurations, counted by hand from the cpu profile and the
    /// --set overrides: capacity 2 widths × 8 tasks (floor_gap 2 widths); long-horizon 2 widths ([4, 12]) × 8 tasks × 4 logged
    /// steps (100, 200, 300, 400 of 400); residual 2 widths; retention 2 widths × 1 gap.</summary>
    [Theory]
    [InlineData("synthetic-capacity.yaml", "final_loss", "width, task", true, 2 * 8, "train.steps=200", "sweep.synthetic.width=[2,4]")]
    [InlineData("synthetic-capacity.yaml", "floor_gap", "width", true, 2, "train.steps=200", "sweep.synthetic.width=[2,4]")]
    [InlineData("synthetic-long-horizon.yaml", "loss_over_time", "width, step, task", true, 2 * 8 * 4, "train.steps=400", "train.log_every=100")]
    [InlineData("synthetic-long-horizon.yaml", "horizon_check", "width, task", true, 2 * 8, "train.steps=400", "train.log_every=100")]
    [InlineData("synthetic-residual.yaml", "final_state", "width", true, 2, "train.steps=200", "sweep.synthetic.width=[16,56]")]
    [InlineData("synthetic-retention.yaml", "retention", "width, gap", true, 2 * 1, "train.steps=400", "sweep.synthetic.width=[24,56]", "sweep.synthetic.rare.gap=[50]")]
    public void A_shipped_analysis_gives_one_row_per_configuration_over_several_seeds(string file, string table, string keys, bool counted, long rows, params string[] sets)
    {
        var run = CliProcess.Run(dir, Limit, ["run", RepoFiles.Pipeline(file), "--profile", "cpu", "--artifacts", "out", "--set", "sweep.seed=[0,1]",
            .. sets.SelectMany(x => new[] { "--set", x })]);
        Assert.True(run.Exit == 0, run.Err);
        var sweep = Directory.GetDirectories(Path.Combine(dir, "out")).Single();
        using var catalog = ArtifactCatalog.Open(sweep);
        var counts = SqlRunner.Query(catalog.Connection, $"SELECT count(*), count(DISTINCT ({keys})) FROM {table}").Rows.Single();
        Assert.Equal(rows, Convert.ToInt64(counts[0]));   // first, so that an empty table cannot pass the next line
        Assert.Equal(Convert.ToInt64(counts[1]), Convert.ToInt64(counts[0]));
        if (counted)   // the seeds each row averages
            Assert.Equal([2L], SqlRunner.Query(catalog.Connection, $"SELECT DISTINCT seeds FROM {table}").Rows.Select(r => Convert.ToInt64(r[0])));
    }

    [Fact]
    public void A_damaged_status_or_run_spec_is_named_in_one_line_not_a_stack_trace()
    {
        Synthetic(50, 25);
        Assert.Equal(0, CliProcess.Run(dir, Limit, "run", "syn.yaml", "--no-analysis").Exit);
        var run = Path.Combine(Sweep, "runs", "width-2_frequency_exponent-0.5");
        File.WriteAllText(Path.Combine(run, "status.json"), "");
        var status = CliProcess.Run(dir, Limit, "status", Sweep);
        Assert.Equal(2, status.Exit);
        Assert.Contains(Path.Combine(run, "status.json"), status.Err);
        Assert.Contains("not a readable run status", status.Err);
        // A resume over it refuses the same input the same way (it exited 1, as if a run had failed), training nothing.
        var refused = CliProcess.Run(dir, Limit, "run", "syn.yaml", "--no-analysis", "--resume");
        Assert.Equal(2, refused.Exit);
        Assert.Contains("not a readable run status", refused.Err);
        Assert.Equal("", File.ReadAllText(Path.Combine(run, "status.json")));
        Assert.DoesNotContain("Unhandled", status.Err);
        Assert.DoesNotContain("   at ", status.Err);

        File.Delete(Path.Combine(run, "status.json"));
        File.WriteAllText(Path.Combine(run, "run.yaml"), "train: [unclosed\n");
        var resume = CliProcess.Run(dir, Limit, "run", "syn.yaml", "--no-analysis", "--resume");
        Assert.Equal(2, resume.Exit);
        Assert.Contains(Path.Combine("artifacts", "syn", "runs", "width-2_frequency_exponent-0.5", "run.yaml"), resume.Err);
        Assert.Contains("not a readable run spec", resume.Err);
        Assert.DoesNotContain("Unhandled", resume.Err);
    }

    [Fact]
    public void A_resume_of_a_smaller_sweep_sets_the_dropped_runs_aside_so_the_analysis_reads_only_its_own()
    {
        Synthetic(50, 25);
        Assert.Equal(0, CliProcess.Run(dir, Limit, "run", "syn.yaml", "--no-analysis").Exit);
        var resume = CliProcess.Run(dir, Limit, "run", "syn.yaml", "--no-analysis", "--resume", "--set", "sweep.synthetic.width=[2]");
        Assert.True(resume.Exit == 0, resume.Err);
        Assert.Contains("runs no longer in the sweep kept in", resume.Out);
        Assert.Equal(["width-2_frequency_exponent-0.5", "width-2_frequency_exponent-1.0"],
            Directory.GetDirectories(Path.Combine(Sweep, "runs")).Select(Path.GetFileName).Order());
        var kept = Assert.Single(Directory.GetDirectories(Path.Combine(Sweep, "previous")));
        Assert.Equal(2, Directory.GetDirectories(Path.Combine(kept, "runs")).Length);   // the two width-4 runs, whole
        using var catalog = ArtifactCatalog.Open(Sweep);
        Assert.Equal(2L, Convert.ToInt64(SqlRunner.Query(catalog.Connection, "SELECT count(DISTINCT run) FROM params").Rows.Single()[0]));
    }

    [Fact]
    public void A_query_written_to_csv_or_parquet_runs_once_so_the_file_holds_what_was_printed()
    {
        Synthetic(50, 25);
        Assert.Equal(0, CliProcess.Run(dir, Limit, "run", "syn.yaml", "--no-analysis").Exit);
        // random() would differ between two executions; a trailing comment broke the COPY the SQL was pasted into.
        var csv = CliProcess.Run(dir, Limit, "query", Sweep, "SELECT CAST(floor(random() * 1e9) AS BIGINT) AS r, count(*) AS n FROM metrics -- one row",
            "--output", "out/r.csv");
        Assert.True(csv.Exit == 0, csv.Err);
        var written = File.ReadAllLines(Path.Combine(dir, "out", "r.csv"));
        Assert.Equal("r,n", written[0]);
        Assert.Matches($@"\b{written[1].Split(',')[0]}\s+{written[1].Split(',')[1]}\b", csv.Out);   // the printed row
        Assert.Empty(Directory.GetFiles(Path.Combine(dir, "out"), "*.tmp"));

        // A statement that cannot fill a table is refused with the ways that work.
        var summary = CliProcess.Run(dir, Limit, "query", Sweep, "SELECT * FROM (SUMMARIZE metrics)", "--output", "s.csv");
        Assert.True(summary.Exit == 0, summary.Err);
        Assert.Contains("column_name", File.ReadLines(Path.Combine(dir, "s.csv")).First());
        var show = CliProcess.Run(dir, Limit, "query", Sweep, "SHOW TABLES", "--output", "t.parquet");
        Assert.Equal(2, show.Exit);
        Assert.Contains("--output FILE.arrow", show.Err);
        Assert.False(File.Exists(Path.Combine(dir, "t.parquet")));
        Assert.Equal(0, CliProcess.Run(dir, Limit, "query", Sweep, "SHOW TABLES", "--output", "t.arrow").Exit);
        var returning = CliProcess.Run(dir, Limit, "query", Sweep, "CREATE TABLE x (a INT); INSERT INTO x VALUES (1) RETURNING a", "--output", "x.csv");
        Assert.Equal(2, returning.Exit);
        Assert.Contains("RETURNING with --output FILE.arrow", returning.Err);   // not SHOW, DESCRIBE or PRAGMA only
        Assert.False(File.Exists(Path.Combine(dir, "x.csv")));
        Assert.Equal(2, CliProcess.Run(dir, Limit, "query", Sweep, "SELECT 1", "--rows", "-1").Exit);
    }

    [Fact]
    public void An_olmo_resume_that_would_read_its_data_from_another_folder_is_refused()
    {
        var data = Path.Combine(dir, "project");
        TinyCorpus.WriteShard(data);
        File.WriteAllText(Path.Combine(data, "olmo.yaml"), string.Join('\n', TinyCorpus.SmallOlmoSweep("{seed: [0]}", checkpointEvery: 100)) + "\n");
        var artifacts = Path.Combine(dir, "artifacts");
        using (var run = CliProcess.Start(dir, "run", Path.Combine(data, "olmo.yaml"), "--no-analysis", "--artifacts", artifacts))
        {
            run.WaitUntil(() => Directory.Exists(artifacts) && Directory.EnumerateDirectories(artifacts, "checkpoint", SearchOption.AllDirectories).Any(), Limit, "a checkpoint");
            run.Signal(15);
            Assert.Equal(130, run.WaitForExit(Limit).Exit);
        }
        // The same relative paths against another corpus elsewhere: the spec is unchanged, the data is not.
        var other = Path.Combine(dir, "other");
        TinyCorpus.WriteShard(other);
        File.AppendAllText(Path.Combine(other, "shards", "a.jsonl"), "{\"id\": \"extra\", \"text\": \"one more document\"}\n");
        var moved = CliProcess.Run(dir, Limit, "run", Path.Combine(data, "olmo.yaml"), "--no-analysis", "--artifacts", artifacts, "--resume", "--data-dir", other);
        Assert.Equal(2, moved.Exit);
        Assert.Contains($"now read other files (names or sizes) than when it trained: they resolved against {data}, now against {other}", moved.Err);
        Assert.Contains($"--data-dir {data}", moved.Err);
    }
}
