using Retention.Analysis;
using Retention.Artifacts;
using Retention.Tests.Artifacts;
using Retention.Tests.Pipeline;

namespace Retention.Tests.Host;

/// <summary>`pipeline query` as a researcher meets it: several statements in one query, a folder of sweeps with
/// their analysis tables, and --output of a result whose column names repeat. The artifacts are written by hand,
/// so every expected value is known.</summary>
public class QueryCommandTests() : InTempFolder("query-command-")
{
    static readonly TimeSpan Limit = TimeSpan.FromMinutes(2);

    sealed record Metric(long Step, double Loss);
    sealed record Final(string Run, double Loss);
    sealed record Number(double X);
    sealed record Text(string X);

    static readonly RecordBatchBuilder<Metric> Metrics = new RecordBatchBuilder<Metric>().Int64("step", m => m.Step).Float64("loss", m => m.Loss);
    static readonly RecordBatchBuilder<Final> Finals = new RecordBatchBuilder<Final>().Utf8("run", f => f.Run).Float64("loss", f => f.Loss);
    static readonly RecordBatchBuilder<Number> Numbers = new RecordBatchBuilder<Number>().Float64("x", n => n.X);
    static readonly RecordBatchBuilder<Text> Texts = new RecordBatchBuilder<Text>().Utf8("x", n => n.X);

    /// <summary>A sweep under artifacts/: run a logs steps 0, 10, 20 and run b 0, 10, 20, 30 (7 metrics rows).</summary>
    async Task<string> Sweep(string name)
    {
        var sweep = Path.Combine(dir, "artifacts", name);
        await ArrowFiles.WriteTableAsync(Path.Combine(sweep, "runs", "a", "metrics.arrow"), Metrics, [.. new[] { 0L, 10, 20 }.Select(s => new Metric(s, s / 100.0))]);
        await ArrowFiles.WriteTableAsync(Path.Combine(sweep, "runs", "b", "metrics.arrow"), Metrics, [.. new[] { 0L, 10, 20, 30 }.Select(s => new Metric(s, s / 100.0))]);
        return sweep;
    }

    (int Exit, string Out, string Err) Query(params string[] args) => CliProcess.Run(dir, Limit, ["query", .. args]);

    [Fact]
    public async Task Every_statement_runs_in_order_each_result_printed_and_output_writes_the_last()
    {
        var sweep = await Sweep("s");
        var sql = "CREATE TEMP TABLE t AS SELECT * FROM metrics WHERE step > 10; SELECT count(*) AS n FROM t;\nSELECT max(step) AS top FROM t";
        var (exit, output, err) = Query(sweep, sql, "--output", "out/last.csv");
        Assert.True(exit == 0, err);
        // Steps above 10: a's 20, b's 20 and 30. The CREATE returns nothing, so it prints nothing.
        Assert.Equal(string.Join('\n',
            "statement 2 (line 1): SELECT count(*) AS n FROM t", "n", "-", "3", "",
            "statement 3 (line 2): SELECT max(step) AS top FROM t", "top", "---", " 30", ""), output);
        Assert.Equal(["top", "30"], File.ReadAllLines(Path.Combine(dir, "out", "last.csv")));

        // The last statement runs once for the file too: the random number printed is the one written.
        var random = Query(sweep, "SELECT 1 AS one; SELECT CAST(floor(random() * 1e9) AS BIGINT) AS r", "--output", "r.csv");
        Assert.True(random.Exit == 0, random.Err);
        var written = File.ReadAllLines(Path.Combine(dir, "r.csv"));
        Assert.Equal("r", written[0]);
        Assert.Matches($@"\n *r\n-+\n *{written[1]}\n", random.Out);

        // --output needs a last statement with a result.
        var none = Query(sweep, "SELECT 1 AS one; CREATE TEMP TABLE u AS SELECT 2", "--output", "none.arrow");
        Assert.Equal(2, none.Exit);
        Assert.Contains("--output writes the last statement's result, and statement 2 (CREATE TEMP TABLE u AS SELECT 2) returns none", none.Err);
        Assert.False(File.Exists(Path.Combine(dir, "none.arrow")));
    }

    [Fact]
    public async Task Statements_end_where_DuckDB_says_and_an_error_names_its_statement_and_line_after_the_earlier_results()
    {
        var sweep = await Sweep("s");
        // A ';' inside a string or a comment ends nothing.
        var quoted = Query(sweep, "SELECT 'a;b' AS s; -- one; two\nSELECT 2 AS two /* ; */");
        Assert.True(quoted.Exit == 0, quoted.Err);
        Assert.Contains("s\n---\na;b\n", quoted.Out);
        Assert.Contains("two\n---\n  2\n", quoted.Out);

        var failed = Query(sweep, "SELECT 7 AS seven;\nSELECT count(*) AS n FROM metrics;\nSELECT\n  nosuch FROM metrics");
        Assert.Equal(2, failed.Exit);
        Assert.Contains("seven\n-----\n    7\n", failed.Out);
        Assert.Contains("n\n-\n7\n", failed.Out);
        Assert.Contains("error: query statement 3 (line 3):", failed.Err);
        Assert.Contains("\"nosuch\"", failed.Err);
        Assert.Contains("LINE 4:   nosuch FROM metrics", failed.Err);   // DuckDB's own line, counted in the whole text

        var nothing = Query(sweep, " ; -- only a comment");
        Assert.Equal(2, nothing.Exit);
        Assert.Contains("the SQL has no statement", nothing.Err);
    }

    [Fact]
    public async Task Output_of_a_last_statement_without_a_result_is_refused_before_anything_runs_in_every_format()
    {
        var sweep = await Sweep("s");
        foreach (var file in new[] { "last.csv", "last.parquet", "last.arrow" })
        {
            var (exit, output, err) = Query(sweep, "SELECT 1 AS a; CREATE TABLE keepme AS SELECT 2 AS b", "--output", file);
            Assert.Equal(2, exit);
            Assert.Equal("", output);   // statement 1 did not run
            Assert.Contains("--output writes the last statement's result, and statement 2 (CREATE TABLE keepme AS SELECT 2 AS b) returns none; " +
                "end the SQL with the query whose result to write (nothing was run)", err);
            Assert.DoesNotContain("SHOW, DESCRIBE", err);
            Assert.False(File.Exists(Path.Combine(dir, file)));
        }
        var set = Query(sweep, "SET threads = 1", "--output", "set.csv");
        Assert.Contains("statement 1 (SET threads = 1) returns none", set.Err);

        // DuckDB cannot tell before running (the CREATE reads a table statement 1 creates): the statements run, and the
        // refusal is the same, saying nothing was written.
        var late = Query(sweep, "CREATE TEMP TABLE t AS SELECT 1 AS a; CREATE TEMP TABLE u AS SELECT * FROM t", "--output", "late.csv");
        Assert.Equal(2, late.Exit);
        Assert.Contains("statement 2 (CREATE TEMP TABLE u AS SELECT * FROM t) returns none; end the SQL with the query whose result " +
            "to write (nothing was written)", late.Err);
        Assert.False(File.Exists(Path.Combine(dir, "late.csv")));
    }

    [Fact]
    public async Task A_syntax_error_names_the_first_statement_that_does_not_parse_and_nothing_runs()
    {
        var sweep = await Sweep("s");
        var (exit, output, err) = Query(sweep, "SELECT 1 AS a; SELEC 2; SELECT 3");
        Assert.Equal(2, exit);
        Assert.Equal("", output);
        Assert.Contains("error: query statement 2 (line 1): Parser Error: syntax error at or near \"SELEC\"", err);

        // A ';' in a string or a comment before it ends nothing; the statement's line skips the comment before it.
        var later = Query(sweep, "SELECT 'a;b' AS s;\n-- a count; then the top\nSELECT count(*) FROM metrics;\nSELECT max(step) FRM metrics;\nSELECT 4");
        Assert.Equal(2, later.Exit);
        Assert.Equal("", later.Out);
        Assert.Contains("error: query statement 3 (line 4): Parser Error: syntax error at or near \"metrics\"", later.Err);
        Assert.Contains("LINE 4: SELECT max(step) FRM metrics", later.Err);   // DuckDB's own line, counted in the whole text
    }

    [Fact]
    public async Task A_table_the_runs_write_but_have_not_written_yet_gets_a_note_and_a_typo_the_tables_there_are()
    {
        var sweep = await Sweep("s");   // its runs have written metrics only: still training
        File.Copy(RepoFiles.Pipeline("synthetic-capacity.yaml"), Path.Combine(sweep, "pipeline.yaml"));
        const string note = "note: the runs write table 'train', but none has written it yet: a run writes its tables at its checkpoints and when it ends";

        var train = Query(sweep, "SELECT count(*) FROM train");
        Assert.Equal(2, train.Exit);
        Assert.Contains("Table with name train does not exist", train.Err);
        Assert.Contains(note, train.Err);
        // The same from a folder of sweeps, and from one run's directory (its run.yaml).
        Assert.Contains(note, Query(Path.Combine(dir, "artifacts"), "SELECT count(*) FROM train").Err);
        // `analyze` too: its first table joins params, which the runs write but have not yet.
        var analyze = CliProcess.Run(dir, Limit, "analyze", sweep);
        Assert.Equal(1, analyze.Exit);
        Assert.Contains("note: the runs write table 'params', but none has written it yet", analyze.Err);
        File.Copy(RepoFiles.Pipeline("synthetic-capacity.yaml"), Path.Combine(sweep, "runs", "a", "run.yaml"));
        Assert.Contains(note, Query(Path.Combine(sweep, "runs", "a"), "SELECT 1; SELECT count(*) FROM train").Err);

        var typo = Query(sweep, "SELECT count(*) FROM trian");
        Assert.Equal(2, typo.Exit);
        Assert.Contains("Table with name trian does not exist", typo.Err);
        Assert.Contains("note: no table 'trian' here; the tables: metrics", typo.Err);
        var far = Query(sweep, "SELECT count(*) FROM xyzzy");   // far from every table: DuckDB suggested one of its system tables
        Assert.Contains("note: no table 'xyzzy' here; the tables: metrics", far.Err);
        Assert.DoesNotContain("Did you mean", far.Err);
        // Without the pipeline that says what the runs write, only the tables there are.
        File.Delete(Path.Combine(sweep, "pipeline.yaml"));
        Assert.Contains("note: no table 'train' here; the tables: metrics", Query(sweep, "SELECT count(*) FROM train").Err);
    }

    /// <summary>An analysis table asked for before the analysis wrote it (runs training, `run --no-analysis`) got "no table
    /// 'floor_gap' here; the tables: metrics", though the sweep's pipeline declares it: nothing said why or what writes it.</summary>
    [Fact]
    public async Task A_table_the_sweeps_analysis_writes_but_has_not_yet_gets_a_note_naming_analyze_or_the_sweep()
    {
        var sweep = await Sweep("s");   // runs' metrics only, no analysis/ yet
        File.Copy(RepoFiles.Pipeline("synthetic-capacity.yaml"), Path.Combine(sweep, "pipeline.yaml"));   // declares floor_gap
        // No process holds the sweep and it was never submitted: no analysis follows by itself.
        var note = $"note: table 'floor_gap' is one the sweep's analysis writes (analysis.tables in its pipeline.yaml), and it has not written it " +
            $"yet: no `pipeline run` is training the sweep now, and it was not submitted, so no analysis follows by itself (its runs or its " +
            $"analysis were stopped, or an earlier version trained it with --no-analysis): `pipeline analyze {sweep}` writes it";

        var missing = Query(sweep, "SELECT * FROM floor_gap");
        Assert.Equal(2, missing.Exit);
        Assert.Contains("Table with name floor_gap does not exist", missing.Err);
        Assert.Equal(note, missing.Err.Split('\n').Single(l => l.StartsWith("note:", StringComparison.Ordinal)).TrimEnd());
        // From a folder of sweeps it names the sweep too; from one run's directory it says where the table is.
        Assert.Contains(note, Query(Path.Combine(dir, "artifacts"), "SELECT * FROM floor_gap").Err);
        File.Copy(RepoFiles.Pipeline("synthetic-capacity.yaml"), Path.Combine(sweep, "runs", "a", "run.yaml"));
        Assert.Contains($"note: table 'floor_gap' is one the sweep's analysis writes, into the sweep's analysis/, not a run's: query the sweep directory {sweep}",
            Query(Path.Combine(sweep, "runs", "a"), "SELECT * FROM floor_gap").Err);
        // A table neither the runs nor the analysis write is still a typo, answered with the tables there are.
        Assert.Contains("note: no table 'flor_gap' here; the tables: metrics", Query(sweep, "SELECT * FROM flor_gap").Err);

        // Once the analysis wrote it, it is a table like the others.
        await ArrowFiles.WriteTableAsync(Path.Combine(sweep, "analysis", "floor_gap.arrow"), Numbers, [new Number(0.5)]);
        var written = Query(sweep, "SELECT x FROM floor_gap");
        Assert.True(written.Exit == 0, written.Err);
        Assert.Equal("  x\n---\n0.5\n", written.Out);
    }

    /// <summary>The note said "the analysis runs when the runs end" of every sweep, though none runs after `run --no-analysis`
    /// nor after a submission whose analysis job sbatch refused: it says what the sweep's own records tell (its lock's holder,
    /// its latest submission, its analysis's outcome).</summary>
    [Fact]
    public async Task An_unwritten_analysis_table_note_says_what_the_sweeps_records_tell_of_why()
    {
        var sweep = await Sweep("s");
        File.Copy(RepoFiles.Pipeline("synthetic-capacity.yaml"), Path.Combine(sweep, "pipeline.yaml"));   // declares floor_gap
        const string prefix = "note: table 'floor_gap' is one the sweep's analysis writes (analysis.tables in its pipeline.yaml), and it has not written it yet: ";
        string Note() => Query(sweep, "SELECT * FROM floor_gap").Err.Split('\n').Single(l => l.StartsWith("note:", StringComparison.Ordinal)).TrimEnd();
        var status = $"(`pipeline status {sweep}` shows how far the runs are)";

        using (var held = SweepLock.Acquire(sweep, SweepLock.ForTrainingOnly))   // a `run --no-analysis` training it
        {
            var note = Note();
            Assert.StartsWith(prefix + "it is being trained with --no-analysis (pid ", note);
            Assert.EndsWith($"(training, --no-analysis)), which runs no analysis: `pipeline analyze {sweep}` writes it once the runs end {status}", note);
            Assert.DoesNotContain("the analysis runs when", note);
        }
        using (var held = SweepLock.Acquire(sweep))   // a plain `run`: its analysis follows
            Assert.EndsWith($"), and the analysis runs when the runs end {status}", Note());

        // A submission whose analysis job sbatch refused: its array job recorded, no analysis job.
        var submission = new Retention.Cluster.SlurmSubmission(1, sweep, Path.Combine(dir, "artifacts"), null, dir, [["a"], ["b"]],
            new Retention.Cluster.SlurmResources(), DateTime.UtcNow.ToString("o"), ArrayJobId: "4242");
        await submission.SaveAsync();
        Assert.Equal(prefix + $"its submission ({Path.Combine("slurm", "submit-1")}, array job 4242) queued no analysis job (sbatch refused it): " +
            $"`pipeline analyze {sweep}` writes it once the runs end {status}", Note());
        // One that queued it: that job writes it.
        await (submission with { AnalysisJobId = "4243" }).SaveAsync();
        Assert.Equal(prefix + $"its submission's analysis job 4243 writes it after the array's runs end, or `pipeline analyze {sweep}` where that job " +
            $"did not run or failed (`pipeline status {sweep}` says where the sweep stands)", Note());

        // A failed analysis: analyze runs it again.
        await AnalysisOutcome.RecordAsync(sweep, "failed", "boom");
        Assert.Equal(prefix + $"its last analysis failed (`pipeline status {sweep}` says why): `pipeline analyze {sweep}` runs it again", Note());
        // A submission after that failure is what comes next: its analysis job refused, nothing follows by itself.
        await (submission with { Number = 2, Submitted = DateTime.UtcNow.AddSeconds(1).ToString("o") }).SaveAsync();
        Assert.Equal(prefix + $"its submission ({Path.Combine("slurm", "submit-2")}, array job 4242) queued no analysis job (sbatch refused it): " +
            $"`pipeline analyze {sweep}` writes it once the runs end {status}", Note());
        // An `advise` writing its advice there does not write the analysis's tables.
        using (var held = SweepLock.Acquire(sweep, SweepLock.ForAdvice))
            Assert.Contains("queued no analysis job (sbatch refused it)", Note());

        // A run of a pipeline without an analysis holding it was said to be a `run --no-analysis`.
        using (var held = SweepLock.Acquire(sweep, SweepLock.ForTrainingWithoutAnalysisSection))
        {
            var note = Note();
            Assert.StartsWith(prefix + "it is being trained by a run of a pipeline without an analysis (pid ", note);
            Assert.EndsWith($"(training; its pipeline has no analysis)), which runs no analysis: `pipeline analyze {sweep}` writes it once the runs end {status}", note);
        }
        // A plain run whose runs have ended and whose analysis has begun (its 'started' record after its lock) is not training.
        using (var held = SweepLock.Acquire(sweep))
        {
            AnalysisOutcome.Begin(sweep);
            var note = Note();
            Assert.StartsWith(prefix + "its runs have ended and the `pipeline run` holding it (pid ", note);
            Assert.EndsWith(") is writing the analysis now: query it again once that ends", note);
        }
    }

    [Fact]
    public async Task A_damaged_file_leaves_its_table_out_with_a_note_and_the_other_tables_still_query()
    {
        var sweep = await Sweep("s");
        foreach (var run in new[] { "a", "b" })
            await ArrowFiles.WriteTableAsync(Path.Combine(sweep, "runs", run, "params.arrow"), Numbers, [new Number(run == "a" ? 8 : 16)]);
        File.Copy(RepoFiles.Pipeline("synthetic-capacity.yaml"), Path.Combine(sweep, "pipeline.yaml"));   // its runs write metrics
        Assert.Equal("n\n-\n7\n", Query(sweep, "SELECT count(*) AS n FROM metrics").Out);   // the cache holds the good version
        var damaged = Path.Combine(sweep, "runs", "b", "metrics.arrow");
        DamagedArrow.Truncate(damaged);
        var note = $"note: table 'metrics' is left out (none of its files is loaded): {damaged}: not a readable Arrow IPC file (";
        var advice = $"to train that run again, delete its directory {Path.Combine(sweep, "runs", "b")} and run the sweep's pipeline with `pipeline run FILE --resume`";

        var other = Query(sweep, "SELECT sum(x) AS total FROM params");
        Assert.True(other.Exit == 0, other.Err);
        Assert.Equal("total\n-----\n 24.0\n", other.Out);
        Assert.Contains(note, other.Err);
        Assert.Contains(advice, other.Err);

        // Naming it: DuckDB's "does not exist", then a note pointing back at why (not that the runs have not written it yet).
        var metrics = Query(sweep, "SELECT count(*) FROM metrics");
        Assert.Equal(2, metrics.Exit);
        Assert.Contains("Table with name metrics does not exist", metrics.Err);
        Assert.Contains($"note: table 'metrics' was left out of this query: {damaged} cannot be loaded (not a readable Arrow IPC file (", metrics.Err);
        Assert.Contains("see the note above for what to do", metrics.Err);
        Assert.DoesNotContain("none has written it yet", metrics.Err);
        Assert.True(metrics.Err.IndexOf(note) < metrics.Err.IndexOf("error: query:"));
        Assert.DoesNotContain("metrics", Listed(Query(sweep, "SHOW TABLES").Out));

        // The same from the folder of sweeps (a cache of its own).
        var folder = Query(Path.Combine(dir, "artifacts"), "SELECT sweep, sum(x) AS total FROM params GROUP BY sweep");
        Assert.True(folder.Exit == 0, folder.Err);
        Assert.Contains(note, folder.Err);
    }

    [Fact]
    public async Task A_missing_table_gets_no_hint_of_a_name_that_cannot_be_queried()
    {
        var sweep = await Sweep("s");
        foreach (var run in new[] { "a", "b" })
            await ArrowFiles.WriteTableAsync(Path.Combine(sweep, "runs", run, "params.arrow"), Numbers, [new Number(run == "a" ? 8 : 16)]);
        Assert.Equal("n\n-\n7\n", Query(sweep, "SELECT count(*) AS n FROM metrics").Out);   // the cache holds it
        DamagedArrow.Truncate(Path.Combine(sweep, "runs", "b", "metrics.arrow"));

        // The query that leaves the table out: DuckDB offered "catalog.metrics", which is not there either.
        var metrics = Query(sweep, "SELECT count(*) FROM metrics");
        Assert.Equal(2, metrics.Exit);
        Assert.Contains("Table with name metrics does not exist!", metrics.Err);
        Assert.DoesNotContain("Did you mean", metrics.Err);

        // Nor the cache's own listing, for a name near it.
        var near = Query(sweep, "SELECT * FROM filez");
        Assert.Contains("Table with name filez does not exist!", near.Err);
        Assert.DoesNotContain("_catalog", near.Err);

        // A hint naming a table there is kept.
        Assert.Contains("Did you mean \"params\"?", Query(sweep, "SELECT * FROM param").Err);
    }

    [Fact]
    public async Task A_sweeps_runs_folder_or_a_file_is_refused_saying_what_to_query_instead()
    {
        var sweep = await Sweep("s");
        var runs = Query(Path.Combine(sweep, "runs"), "SELECT * FROM metrics");
        Assert.Equal(2, runs.Exit);
        Assert.Equal("", runs.Out);
        Assert.Contains($"error: {Path.Combine(sweep, "runs")}: is a sweep's runs/ folder, which query does not read as one: give the sweep directory {sweep} ", runs.Err);
        Assert.DoesNotContain("no Arrow tables", runs.Err);
        Assert.Contains("give the sweep directory", Query(Path.Combine(sweep, "runs") + "/", "SELECT 1").Err);
        // One run's directory under it is a run, as before.
        Assert.Equal("n\n-\n4\n", Query(Path.Combine(sweep, "runs", "b"), "SELECT count(*) AS n FROM metrics").Out);
        // Its analysis/ folder read as a run gave each table a run column saying 'analysis': refused, naming the sweep.
        await ArrowFiles.WriteTableAsync(Path.Combine(sweep, "analysis", "final.arrow"), Finals, [new Final("a", 0.2)]);
        var analysis = Query(Path.Combine(sweep, "analysis"), "SELECT * FROM final");
        Assert.Equal(2, analysis.Exit);
        Assert.Equal("", analysis.Out);
        Assert.Contains($"error: {Path.Combine(sweep, "analysis")}: is a sweep's analysis/ folder, which query does not read as a run: " +
                        $"give the sweep directory {sweep} (its analysis tables under their own names", analysis.Err);
        Assert.Equal("run\n---\na\n", Query(sweep, "SELECT run FROM final").Out);   // the sweep has it, as written

        var pipeline = Path.Combine(dir, "synthetic-capacity.yaml");
        File.Copy(RepoFiles.Pipeline("synthetic-capacity.yaml"), pipeline);
        var yaml = Query(pipeline, "SELECT 1");
        Assert.Equal(2, yaml.Exit);
        Assert.Contains($"error: {pipeline}: is a file, not a directory: query reads a sweep directory", yaml.Err);
        Assert.Contains("a pipeline's sweep is written by `pipeline run` under artifacts/synthetic-capacity (with -PROFILE after the name", yaml.Err);
        Assert.DoesNotContain("does not exist", yaml.Err);

        File.Copy(pipeline, Path.Combine(sweep, "pipeline.yaml"));
        Assert.Contains($"this is a sweep's resolved pipeline: query its folder {sweep}", Query(Path.Combine(sweep, "pipeline.yaml"), "SELECT 1").Err);
        File.WriteAllText(Path.Combine(dir, "notes.txt"), "x");
        var text = Query("notes.txt", "SELECT 1");
        Assert.Equal(2, text.Exit);
        Assert.Contains("notes.txt: is a file, not a directory: query reads a sweep directory (artifacts/NAME[-PROFILE]), one run's directory, or a folder of sweeps\n", text.Err);
    }

    /// <summary>The project folder given (`pipeline query .`, as `status .` is) holds no table of its own, or only a query's
    /// own --output file (the Querying example writes final.arrow there), and it read as an empty run: "no Arrow tables", or
    /// "no table 'metrics' here; the tables: final", with nothing of the sweeps one folder down. Both name them now, as
    /// `status .` does, with the paths to give.</summary>
    [Fact]
    public async Task The_project_folder_queried_names_the_sweeps_its_folders_hold()
    {
        await Sweep("s");
        string sweeps = $"its folders hold sweeps: {Path.Combine("artifacts", "s")}; query one of them, or the folder that holds them for all at once";
        var empty = Query(".", "SELECT * FROM metrics");
        Assert.Equal(2, empty.Exit);
        Assert.Contains($"note: no Arrow tables under . ({sweeps})", empty.Err);

        var written = Query(Path.Combine("artifacts", "s"), "SELECT run, max(loss) AS loss FROM metrics GROUP BY run", "--output", "final.arrow");
        Assert.True(written.Exit == 0, written.Err);
        var loose = Query(".", "SELECT * FROM metrics");
        Assert.Equal(2, loose.Exit);
        Assert.Contains($"note: no table 'metrics' here; the tables: final ({sweeps})", loose.Err);
        // A sweep, or a run, given where a table is missing: its own tables only, as before.
        Assert.DoesNotContain("its folders hold sweeps", Query(Path.Combine("artifacts", "s"), "SELECT * FROM nosuch").Err);
        Assert.DoesNotContain("its folders hold sweeps", Query(Path.Combine("artifacts", "s", "runs", "a"), "SELECT * FROM nosuch").Err);
    }

    /// <summary>An --output naming a folder (results.csv/ made by hand, say) was found only when the result was written, after
    /// the query ran and printed, with .NET's "Is a directory : '…'" and exit 1. It is refused before anything runs now, as an
    /// unknown extension is: exit 2, saying it is a folder and what to give.</summary>
    [Fact]
    public async Task An_output_that_is_a_folder_is_refused_before_the_query_runs()
    {
        var sweep = await Sweep("s");
        Directory.CreateDirectory(Path.Combine(dir, "results.csv"));
        var (exit, output, err) = Query(sweep, "SELECT count(*) AS n FROM metrics", "--output", "results.csv");
        Assert.Equal(2, exit);
        Assert.Equal("", output);   // nothing ran
        Assert.Equal($"error: --output 'results.csv' is a folder: name a file to write, e.g. {Path.Combine("results.csv", "result.csv")}\n", err);
    }

    /// <summary>A folder without an extension (the project folder, `out/` not made yet) was refused as "unknown extension ''",
    /// which did not say what was wrong: it is said to be a folder too, with a file to give.</summary>
    [Fact]
    public async Task An_output_folder_without_an_extension_is_said_to_be_a_folder()
    {
        var sweep = await Sweep("s");
        Directory.CreateDirectory(Path.Combine(dir, "results"));
        var existing = Query(sweep, "SELECT count(*) AS n FROM metrics", "--output", "results");
        Assert.Equal((2, ""), (existing.Exit, existing.Out));
        Assert.Equal($"error: --output 'results' is a folder: name a file to write, e.g. {Path.Combine("results", "result.csv")}\n", existing.Err);
        var named = Query(sweep, "SELECT count(*) AS n FROM metrics", "--output", "out" + Path.DirectorySeparatorChar);
        Assert.Equal((2, ""), (named.Exit, named.Out));
        Assert.Equal($"error: --output 'out{Path.DirectorySeparatorChar}' names a folder: name a file to write, e.g. {Path.Combine("out", "result.csv")}\n", named.Err);
    }

    /// <summary>A file where a folder above the --output goes (notes.txt/r.csv, or out/ a file) was found only after the query
    /// ran and printed: .NET's "The file '…' already exists.", exit 1. It is refused before anything runs, exit 2, naming the
    /// file; a missing folder on the path is still made.</summary>
    [Fact]
    public async Task A_file_in_the_way_of_the_outputs_folder_is_refused_before_the_query_runs()
    {
        var sweep = await Sweep("s");
        File.WriteAllText(Path.Combine(dir, "notes.txt"), "mine");
        foreach (var given in new[] { Path.Combine("notes.txt", "r.csv"), Path.Combine("notes.txt", "sub", "r.arrow") })
        {
            var (exit, output, err) = Query(sweep, "SELECT count(*) AS n FROM metrics", "--output", given);
            Assert.Equal(2, exit);
            Assert.Equal("", output);   // nothing ran
            Assert.Equal($"error: --output {given}: '{Path.Combine(dir, "notes.txt")}' is a file where a folder on the output's path goes: " +
                "name another --output, or move the file\n", err);
        }
        Assert.Equal("mine", File.ReadAllText(Path.Combine(dir, "notes.txt")));
        var made = Query(sweep, "SELECT count(*) AS n FROM metrics", "--output", Path.Combine("new", "sub", "r.csv"));
        Assert.True(made.Exit == 0, made.Err);
        Assert.Equal(["n", "7"], File.ReadAllLines(Path.Combine(dir, "new", "sub", "r.csv")));
    }

    /// <summary>An --output naming a file the query reads (a run's metrics.arrow, an analysis table), by a slip of the path,
    /// replaced it with the result, exit 0: the run's rows were gone for good. It is refused before anything runs, exit 2,
    /// the file untouched, from the sweep and from the folder of sweeps alike.</summary>
    [Fact]
    public async Task An_output_naming_a_file_the_query_reads_is_refused_and_the_file_kept()
    {
        var sweep = await Sweep("s");
        await ArrowFiles.WriteTableAsync(Path.Combine(sweep, "analysis", "final.arrow"), Finals, [new Final("a", 0.2), new Final("b", 0.3)]);
        foreach (var (queried, given, table) in new[]
                 {
                     (sweep, Path.Combine("artifacts", "s", "runs", "a", "metrics.arrow"), "metrics"),
                     (Path.Combine(dir, "artifacts"), Path.Combine("artifacts", "s", "runs", "b", "metrics.arrow"), "metrics"),
                     (sweep, Path.Combine(sweep, "analysis", "final.arrow"), "final"),
                 })
        {
            var before = File.ReadAllBytes(Path.Combine(dir, given));
            var (exit, output, err) = Query(queried, "SELECT 1 AS one", "--output", given);
            Assert.Equal((2, ""), (exit, output));
            Assert.Equal($"error: --output {given} is a file of table '{table}', which this query reads: writing the result there would " +
                $"replace its rows for good; name another file, e.g. {table}-result.arrow in the current folder (nothing was run)\n", err);
            Assert.Equal(before, File.ReadAllBytes(Path.Combine(dir, given)));
        }
        // A table left out for another run's damaged file still has its files refused: none of them is loaded, all are the sweep's.
        var damaged = Path.Combine(sweep, "runs", "c", "metrics.arrow");
        Directory.CreateDirectory(Path.GetDirectoryName(damaged)!);
        File.WriteAllText(damaged, "not an Arrow file");
        var healthy = Path.Combine("artifacts", "s", "runs", "b", "metrics.arrow");
        var kept = File.ReadAllBytes(Path.Combine(dir, healthy));
        var left = Query(sweep, "SELECT 1 AS one", "--output", healthy);
        Assert.Equal((2, ""), (left.Exit, left.Out));
        Assert.Contains($"error: --output {healthy} is a file of table 'metrics', which this query reads", left.Err);
        Assert.Equal(kept, File.ReadAllBytes(Path.Combine(dir, healthy)));
        File.Delete(damaged);
        Assert.Equal("n\n-\n7\n", Query(sweep, "SELECT count(*) AS n FROM metrics").Out);
    }

    /// <summary>A last statement that fails only as it runs (a cast the rows break), with --output over a sweep, said
    /// "TransactionContext Error: Current transaction is aborted (please ROLLBACK)": the kept result's CREATE aborted the
    /// cached catalog's transaction, and the SQL run again as written found only that. It says what the same SQL without
    /// --output says, its LINE counted in the SQL as written (line 9 here, where the CREATE made it 10).</summary>
    [Fact]
    public async Task A_last_statement_failing_as_it_runs_says_its_own_error_with_output_too()
    {
        var sweep = await Sweep("s");
        foreach (var sql in new[] { "SELECT CAST(run AS INT) AS n FROM metrics", "SELECT 1 AS a;" + new string('\n', 8) + "  SELECT CAST(run AS INT) AS n FROM metrics" })
        {
            var plain = Query(sweep, sql);
            Assert.Equal(2, plain.Exit);
            Assert.Contains("Conversion Error: Could not convert string", plain.Err);
            foreach (var file in new[] { "e.csv", "e.parquet", "e.arrow" })
            {
                var kept = Query(sweep, sql, "--output", file);
                Assert.Equal(plain, kept);
                Assert.False(File.Exists(Path.Combine(dir, file)));
            }
        }
    }

    [Fact]
    public async Task Output_of_repeated_column_names_prints_and_writes_the_names_DuckDB_makes_unique()
    {
        var sweep = await Sweep("s");
        const string sql = "SELECT a.step, b.step FROM metrics a JOIN metrics b ON a.run = b.run AND b.step = a.step + 10 WHERE a.run = 'a' ORDER BY 1";
        Assert.StartsWith("step  step\n", Query(sweep, sql).Out);   // printed as DuckDB returns it
        foreach (var file in new[] { "d.csv", "d.parquet", "d.arrow" })
        {
            var (exit, output, err) = Query(sweep, sql, "--output", Path.Combine("out", file));
            Assert.True(exit == 0, err);
            Assert.Equal("step  step_1\n----  ------\n   0      10\n  10      20\n", output);
        }
        Assert.Equal(["step,step_1", "0,10", "10,20"], File.ReadAllLines(Path.Combine(dir, "out", "d.csv")));
        using var catalog = ArtifactCatalog.Open(Path.Combine(dir, "out"));   // the Arrow file, as any reader of it
        Assert.Equal("0,10;10,20", Rows(catalog, "SELECT step, step_1 FROM d ORDER BY 1"));
        Assert.Equal("0,10;10,20", Rows(catalog, $"SELECT * FROM read_parquet('{Path.Combine(dir, "out", "d.parquet")}') ORDER BY 1"));
    }

    static string Rows(ArtifactCatalog catalog, string sql) =>
        string.Join(";", SqlRunner.Query(catalog.Connection, sql).Rows.Select(r => string.Join(",", r)));

    /// <summary>Two sweeps whose analysis tables combine (final), cannot combine (conflict: DOUBLE in s1, VARCHAR in
    /// s2), exist in one sweep only (only2), or are named like a table the other sweep's runs write (extra).</summary>
    async Task<string> TwoSweeps()
    {
        var s1 = await Sweep("s1");
        var s2 = await Sweep("s2");
        await ArrowFiles.WriteTableAsync(Path.Combine(s1, "analysis", "final.arrow"), Finals, [new Final("a", 0.5), new Final("b", 0.25)]);
        await ArrowFiles.WriteTableAsync(Path.Combine(s2, "analysis", "final.arrow"), Finals, [new Final("a", 0.75)]);
        await ArrowFiles.WriteTableAsync(Path.Combine(s1, "analysis", "conflict.arrow"), Numbers, [new Number(1)]);
        await ArrowFiles.WriteTableAsync(Path.Combine(s2, "analysis", "conflict.arrow"), Texts, [new Text("one")]);
        await ArrowFiles.WriteTableAsync(Path.Combine(s2, "analysis", "only2.arrow"), Numbers, [new Number(2)]);
        await ArrowFiles.WriteTableAsync(Path.Combine(s1, "analysis", "extra.arrow"), Numbers, [new Number(3)]);
        await ArrowFiles.WriteTableAsync(Path.Combine(s2, "runs", "a", "extra.arrow"), Numbers, [new Number(4), new Number(5)]);
        return Path.Combine(dir, "artifacts");
    }

    static IEnumerable<string> Listed(string output) => output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(2);

    [Fact]
    public async Task A_folder_of_sweeps_loads_their_analysis_tables_with_a_sweep_column_and_says_which_do_not_combine()
    {
        var folder = await TwoSweeps();
        var tables = Query(folder, "SHOW TABLES");
        Assert.True(tables.Exit == 0, tables.Err);
        Assert.Equal(["extra", "final", "metrics", "only2"], Listed(tables.Out));
        Assert.Contains("note: analysis table 'conflict' (sweeps s1, s2) is not loaded: its sweeps do not agree: column 'x' is DOUBLE", tables.Err);
        Assert.Contains("but VARCHAR in", tables.Err);
        Assert.Contains("note: analysis table 'extra' (sweeps s1) is not loaded: the runs write a table of that name", tables.Err);

        var final = Query(folder, "SELECT sweep || '/' || run || '=' || loss AS r FROM final ORDER BY ALL; SELECT sweep, x FROM only2; SELECT count(*) AS n FROM extra");
        Assert.True(final.Exit == 0, final.Err);
        Assert.Contains("r\n---------\ns1/a=0.5\ns1/b=0.25\ns2/a=0.75\n", final.Out);
        Assert.Contains("sweep    x\n-----  ---\ns2     2.0\n", final.Out);
        Assert.Contains("n\n-\n2\n", final.Out);   // extra holds s2's run rows only
        Assert.Contains("note: analysis table 'extra' (sweeps s1) is not loaded: the runs write a table of that name; query a sweep's own directory for it", tables.Err);
        Assert.True(Query(Path.Combine(folder, "s1"), "SELECT count(*) FROM extra").Exit == 0);   // as the note says

        // Named like a table its own sweep's runs write (put there by hand: validate refuses such a table), the sweep's own
        // query refuses it too: the note said to query there all the same.
        var own = Path.Combine(folder, "s2", "analysis", "metrics.arrow");
        await ArrowFiles.WriteTableAsync(own, Numbers, [new Number(6)]);
        var clash = Query(folder, "SHOW TABLES");
        Assert.Contains($"note: analysis table 'metrics' (sweeps s2) is not loaded: the runs of its sweep write a table of that name, so that " +
                        $"sweep's own query refuses it too: move {own} out of analysis/", clash.Err);
        Assert.Equal(2, Query(Path.Combine(folder, "s2"), "SHOW TABLES").Exit);
    }

    [Fact]
    public async Task A_folder_cache_written_before_analysis_tables_were_loaded_is_brought_up_to_date()
    {
        var folder = await TwoSweeps();
        // What an earlier version kept for the folder: the runs' tables only, listed as complete.
        CatalogCache.Open(folder, [.. ArtifactLayout.Discover(folder).Where(f => f.Run is not null)])!.Connection.Dispose();

        Assert.Contains("final", Listed(Query(folder, "SHOW TABLES").Out));
        var final = Path.Combine(folder, "s2", "analysis", "final.arrow");
        await ArrowFiles.WriteTableAsync(final, Finals, [new Final("a", 0.125)]);   // s2 analyzed again
        File.SetLastWriteTimeUtc(final, DateTime.UtcNow.AddMinutes(1));
        Assert.Contains("s2/a=0.125\n", Query(folder, "SELECT sweep || '/' || run || '=' || loss FROM final ORDER BY ALL").Out);

        // Analyzed again with a loss that no longer combines: the cached table goes, with the note.
        await ArrowFiles.WriteTableAsync(final, new RecordBatchBuilder<Text>().Utf8("run", t => "a").Utf8("loss", t => t.X), [new Text("high")]);
        File.SetLastWriteTimeUtc(final, DateTime.UtcNow.AddMinutes(2));
        var after = Query(folder, "SHOW TABLES");
        Assert.DoesNotContain("final", Listed(after.Out));
        Assert.Contains("note: analysis table 'final' (sweeps s1, s2) is not loaded", after.Err);
        Assert.True(File.Exists(Path.Combine(folder, CatalogCache.FileName)));
    }

    /// <summary>The run a-and-b row counts and the tables a plain query sees: what every later query must keep seeing.</summary>
    (string Rows, string Tables) Seen(string sweep)
    {
        var (exit, output, err) = Query(sweep, "SELECT run || '=' || count(*) AS c FROM metrics GROUP BY run ORDER BY 1");
        Assert.True(exit == 0, err);
        var tables = Query(sweep, "SHOW TABLES");
        return (output, string.Join(",", Listed(tables.Out)));
    }

    [Fact]
    public async Task A_statement_that_would_end_the_transaction_keeping_a_query_out_of_the_cache_is_refused_before_anything_runs()
    {
        var sweep = await Sweep("s");
        var before = Seen(sweep);   // builds the cache
        Assert.Equal(("c\n---\na=3\nb=4\n", "metrics"), before);
        Assert.True(File.Exists(Path.Combine(sweep, CatalogCache.FileName)));
        var export = Path.Combine(dir, "export");
        Directory.CreateDirectory(export);
        await File.WriteAllTextAsync(Path.Combine(export, "schema.sql"), "COMMIT;\nDELETE FROM metrics WHERE run = 'a';\n");
        await File.WriteAllTextAsync(Path.Combine(export, "load.sql"), "");
        foreach (var sql in new[]
        {
            "COMMIT; DELETE FROM metrics WHERE run = 'a'",
            "DELETE FROM metrics WHERE run = 'a'; COMMIT",
            "COMMIT; CREATE TABLE junk AS SELECT 1 AS x",
            "SELECT 1 AS one;\nROLLBACK; DELETE FROM metrics WHERE run = 'a'",
            "ABORT; DROP TABLE metrics",
            "END; DROP TABLE metrics",
            "BEGIN TRANSACTION; SELECT 1",
            $"IMPORT DATABASE '{export}'",
            $"-- a comment first\nPRAGMA import_database('{export}')",
            // A folder DuckDB cannot read fails its parse (it reads the files then), which answered "Current transaction is aborted".
            $"IMPORT DATABASE '{Path.Combine(dir, "no-such-export")}'",
        })
        {
            var (exit, output, err) = Query(sweep, sql);
            Assert.Equal(2, exit);
            Assert.Equal("", output);   // nothing ran, not even the SELECT before it
            Assert.Contains("cannot run in a query", err);
            Assert.Equal(before, Seen(sweep));   // every row and no junk, in this query and every later one
        }
        var rollback = Query(sweep, "SELECT 1 AS one;\nROLLBACK; DELETE FROM metrics WHERE run = 'a'");
        Assert.Contains("error: query statement 2 (line 2) (ROLLBACK): transaction statements " +
            "(BEGIN, COMMIT, ROLLBACK, ABORT, END) cannot run in a query", rollback.Err);

        // What a query creates or deletes stays its own.
        var own = Query(sweep, "DELETE FROM metrics WHERE run = 'a'; CREATE TABLE junk AS SELECT 1 AS x; SELECT count(*) AS n FROM metrics");
        Assert.True(own.Exit == 0, own.Err);
        Assert.Contains("n\n-\n4\n", own.Out);
        Assert.Equal(before, Seen(sweep));
    }

    [Fact]
    public async Task A_semicolon_in_a_comment_ends_no_statement_when_the_text_does_not_parse_and_nothing_runs()
    {
        var sweep = await Sweep("s");
        var leak = Path.Combine(dir, "leak.csv");
        // A missing ';' after the comment: one statement, which does not parse; the COPY after it must not run.
        var copy = Query(sweep, $"CREATE TABLE t AS SELECT 1 -- c;\nCOPY (SELECT 42) TO '{leak}'");
        Assert.Equal(2, copy.Exit);
        Assert.False(File.Exists(leak));
        Assert.Contains("error: query: Parser Error: syntax error at or near \"COPY\"", copy.Err);   // DuckDB's own words
        Assert.Contains("LINE 2: COPY (SELECT 42)", copy.Err);

        var second = Query(sweep, "SELECT 1;\nSELECT x -- why; note\nFROM");
        Assert.Equal(2, second.Exit);
        Assert.Equal("", second.Out);
        Assert.Contains("error: query statement 2 (line 2): Parser Error:", second.Err);
        Assert.DoesNotContain("statement 3", second.Err);
    }

    [Fact]
    public async Task An_analysis_table_named_like_a_run_table_in_another_case_is_refused_in_a_sweep()
    {
        var sweep = await Sweep("s");
        var clash = Path.Combine(sweep, "analysis", "Metrics.arrow");
        await ArrowFiles.WriteTableAsync(clash, Metrics, [new Metric(99, 9)]);
        var (exit, output, err) = Query(sweep, "SELECT count(*) AS n FROM metrics");
        Assert.Equal(2, exit);
        Assert.Equal("", output);   // not 8 rows: the analysis row mixed into the runs'
        Assert.Contains($"{clash}: analysis table 'Metrics' has the name of a run artifact table", err);
    }

    [Fact]
    public async Task A_folder_of_sweeps_stays_one_when_a_query_wrote_an_Arrow_file_beside_them()
    {
        var sweep = await Sweep("s");
        File.Copy(RepoFiles.Pipeline("synthetic-capacity.yaml"), Path.Combine(sweep, "pipeline.yaml"));
        var artifacts = Path.Combine(dir, "artifacts");
        var before = Listed(Query(artifacts, "SHOW TABLES").Out);
        Assert.Contains("note: the runs write table 'train'", Query(artifacts, "SELECT count(*) FROM train").Err);
        // An earlier --output left an Arrow file in the folder: the folder is still read as its sweeps (the file
        // is not a table of theirs), and the note still says what the sweep's runs write.
        var written = Query(artifacts, "SELECT 1 AS x", "--output", Path.Combine(artifacts, "summary.arrow"));
        Assert.True(written.Exit == 0, written.Err);
        Assert.Equal(before, Listed(Query(artifacts, "SHOW TABLES").Out));
        Assert.Contains("note: the runs write table 'train'", Query(artifacts, "SELECT count(*) FROM train").Err);
    }

    [Fact]
    public async Task A_cache_whose_transaction_a_query_ended_anyway_is_deleted_so_the_next_query_rebuilds_it()
    {
        var sweep = await Sweep("s");
        var cache = Path.Combine(sweep, CatalogCache.FileName);
        using (var catalog = ArtifactCatalog.OpenCached(sweep))
        {
            catalog.CheckUnsaved("query");   // nothing ended it yet
            SqlRunner.Execute(catalog.Connection, "DELETE FROM metrics WHERE run = 'a'; COMMIT");   // past the command's refusal
            var e = Assert.Throws<ArtifactException>(() => catalog.CheckUnsaved("query statement 2 (line 1)"));
            Assert.Contains($"{cache}: query statement 2 (line 1) ended the transaction", e.Message);
        }
        Assert.False(File.Exists(cache));
        Assert.Equal("c\n---\na=3\nb=4\n", Seen(sweep).Rows);
    }
}
