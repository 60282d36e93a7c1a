using System.Text.Json;
using Retention.Analysis;
using Retention.Artifacts;
using Retention.Tests.Pipeline;

namespace Retention.Tests.Host;

/// <summary>The CLI's promises as a user meets them: exit codes, signals, the sweep lock, divergence,
/// relative paths from another directory, query output formats.</summary>
public class CliBehaviourTests() : InTempFolder("cli-")
{
    static readonly TimeSpan Limit = TimeSpan.FromMinutes(3);

    string Write(string name, params string[] lines)
    {
        var path = Path.Combine(dir, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, string.Join('\n', lines) + "\n");
        return path;
    }

    /// <summary>A synthetic sweep with an analysis table and a plot.</summary>
    string Synthetic(long steps, string extra = "") => Write("syn.yaml",
        "name: syn", "synthetic: {tasks: 4, dims_per_task: 4, width: 4}",
        $"train: {{steps: {steps}, batch_size: 32, log_every: 500{extra}}}",
        "sweep: {synthetic.width: [2, 4], synthetic.frequency_exponent: [0.5, 1.0, 1.5]}",
        "analysis:",
        "  tables: [{name: last, sql: 'SELECT run, max(step) AS step FROM metrics GROUP BY run'}]",
        "  plots: [{name: curve, kind: line, sql: 'SELECT step, loss, run FROM metrics WHERE task = 0', x: step, y: loss, series: run}]");

    static string Status(string runDir) =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(runDir, "status.json"))).RootElement.GetProperty("state").GetString()!;

    [Fact]
    public void Exit_codes_are_0_ok_1_failed_2_invalid_input_or_usage()
    {
        Synthetic(100);
        Assert.Equal(0, CliProcess.Run(dir, Limit, "validate", "syn.yaml").Exit);
        var usage = CliProcess.Run(dir, Limit, "run", "syn.yaml", "--no-such-option");
        Assert.Equal(2, usage.Exit);
        Assert.Contains("--no-such-option", usage.Err);
        Assert.Contains("pipeline run --help", usage.Err);
        // A near miss names the option meant; a spec key written as an option is told about --set, once (not again for its value).
        Assert.Contains("'--resum'. Did you mean '--resume'?", CliProcess.Run(dir, Limit, "run", "syn.yaml", "--resum").Err);
        var key = CliProcess.Run(dir, Limit, "run", "syn.yaml", "--stpes", "5");
        Assert.Equal(2, key.Exit);
        Assert.Contains("'--stpes'. A spec value is set with --set (`--set train.steps=500`).", key.Err);
        Assert.DoesNotContain("'5'", key.Err);
        Assert.Equal(2, CliProcess.Run(dir, Limit, "run", "syn.yaml", "--jobs", "-3").Exit);
        Assert.Equal(2, CliProcess.Run(dir, Limit, "validate", "missing.yaml").Exit);
        Assert.Equal(2, CliProcess.Run(dir, Limit, "frobnicate").Exit);
        // A failing run (it diverges) is 1.
        var failed = CliProcess.Run(dir, Limit, "run", "syn.yaml", "--set", "train.lr=1e6", "--set", "train.steps=2000", "--no-analysis");
        Assert.Equal(1, failed.Exit);
    }

    /// <summary>A misspelt command is said with the one meant (or the commands there), once: before, `pipeline analyse` said
    /// "Required command was not provided." and then only that 'analyse' was not recognized.</summary>
    [Theory]
    [InlineData("analyse sweep", "error: Unrecognized command or argument 'analyse'. Did you mean 'analyze'?", "see `pipeline --help`")]
    [InlineData("stauts", "error: Unrecognized command or argument 'stauts'. Did you mean 'status'?", "see `pipeline --help`")]
    [InlineData("data tokenise x", "error: Unrecognized command or argument 'tokenise'. Did you mean 'tokenize'?", "see `pipeline data --help`")]
    [InlineData("bench gpu", "error: Unrecognized command or argument 'gpu'. Commands: synthetic, data, train, parity, probes, query.", "see `pipeline bench --help`")]
    public void A_misspelt_command_names_the_command_meant(string command, string error, string see)
    {
        var (exit, output, err) = CliProcess.Run(dir, Limit, command.Split(' '));

        Assert.True(exit == 2, output + err);
        Assert.Equal([error, see], err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void An_unknown_option_where_an_argument_goes_is_named_as_an_option_not_taken_for_a_file_or_sql()
    {
        Directory.CreateDirectory(Path.Combine(dir, "sweep"));
        // Before: run looked for a file '--resum'; query ran '--ouptut' as SQL (a comment: "no statement") or
        // complained about 'x.csv'; nothing was run or written.
        var run = CliProcess.Run(dir, Limit, "run", "--resum");
        Assert.Equal(2, run.Exit);
        Assert.StartsWith("error: Unrecognized command or argument '--resum'. Did you mean '--resume'?", run.Err);
        Assert.DoesNotContain("file not found", run.Err);
        var query = CliProcess.Run(dir, Limit, "query", "sweep", "--ouptut", "x.csv");
        Assert.Equal(2, query.Exit);
        Assert.Equal(["error: Unrecognized command or argument '--ouptut'. Did you mean '--output'?", "see `pipeline query --help`"],
            query.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.False(File.Exists(Path.Combine(dir, "x.csv")));
        // A file whose name starts with dashes is still a file.
        File.WriteAllText(Path.Combine(dir, "--odd.yaml"), "name: [");
        Assert.DoesNotContain("Unrecognized", CliProcess.Run(dir, Limit, "validate", "--odd.yaml").Err);
    }

    /// <summary>`run --dry-run`, brought from other tools, was told "a spec value is set with --set": validate is run's dry run.</summary>
    [Fact]
    public void Run_dry_run_points_at_validate_and_writes_nothing()
    {
        Synthetic(100);
        var dry = CliProcess.Run(dir, Limit, "run", "syn.yaml", "--dry-run");
        Assert.Equal(2, dry.Exit);
        Assert.Equal(["error: Unrecognized command or argument '--dry-run'. `pipeline run` has no --dry-run: `pipeline validate` with the same " +
                      "file, --profile and --set checks the pipeline and lists the runs it would train, writing nothing (`pipeline submit " +
                      "--slurm --dry-run` prints a Slurm submission without submitting it).", "see `pipeline run --help`"],
            dry.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.False(Directory.Exists(Path.Combine(dir, "artifacts")));
        // Another unknown option is still told about --set.
        Assert.Contains("A spec value is set with --set", CliProcess.Run(dir, Limit, "run", "syn.yaml", "--stpes", "5").Err);
    }

    [Fact]
    public void Validate_checks_the_profiles_not_selected_too()
    {
        Synthetic(100);
        File.AppendAllText(Path.Combine(dir, "syn.yaml"), "profiles:\n  cpu: {train: {steps: 50}}\n  gpu: {device: cuda, train: {stpes: 5}}\n");
        var check = CliProcess.Run(dir, Limit, "validate", "syn.yaml", "--profile", "cpu");
        Assert.Equal(2, check.Exit);
        Assert.Matches(@"syn\.yaml:10:\d+: train: unknown key 'stpes'.*did you mean 'steps'.*\(with --profile gpu\)", check.Err);
        File.WriteAllText(Path.Combine(dir, "syn.yaml"), File.ReadAllText(Path.Combine(dir, "syn.yaml")).Replace("stpes", "steps"));
        Assert.Equal(0, CliProcess.Run(dir, Limit, "validate", "syn.yaml", "--profile", "cpu").Exit);
    }

    /// <summary>A --set into the file's profiles (to change a profile's value) said "unknown key 'profiles'; allowed: name, ...",
    /// though the file has the key: it says no --set reaches it, and what to write instead.</summary>
    [Fact]
    public void A_set_into_the_profiles_says_to_select_the_profile_and_set_over_it()
    {
        Synthetic(100);
        File.AppendAllText(Path.Combine(dir, "syn.yaml"), "profiles:\n  cpu: {train: {steps: 50}}\n");
        foreach (var set in new[] { "profiles.cpu.train.steps=5", "profiles={}" })
        {
            var (exit, output, err) = CliProcess.Run(dir, Limit, "validate", "syn.yaml", "--set", set);
            Assert.Equal((2, ""), (exit, output));
            Assert.Equal($"error: --set {set}: profiles: --set cannot change 'profiles': --profile NAME applies one of the file's profiles " +
                         "and each --set applies over it, e.g. --profile cpu --set train.steps=500\n", err);
        }
        var over = CliProcess.Run(dir, Limit, "validate", "syn.yaml", "--profile", "cpu", "--set", "train.steps=5");
        Assert.True(over.Exit == 0, over.Err);
        Assert.Contains("seed 0, 5 steps on cpu", over.Err + over.Out);
    }

    [Fact]
    public void A_diverging_run_stops_naming_the_step_and_the_key_to_change()
    {
        Synthetic(20_000);
        var run = CliProcess.Run(dir, Limit, "run", "syn.yaml", "--set", "train.lr=1e6", "--jobs", "1", "--no-analysis");
        Assert.Equal(1, run.Exit);
        Assert.Matches(@"training loss \S+ at step \d+ in run '[^']+' is more than 100× its first value", run.Err);
        Assert.Contains("lower train.lr", run.Err);
        var runs = Path.Combine(dir, "artifacts", "syn", "runs");
        Assert.Contains(Directory.GetDirectories(runs), r => Status(r) == "failed");
        // How far it got: the step it was stopped at, not 0.
        var failed = Directory.GetDirectories(runs).Select(r => JsonDocument.Parse(File.ReadAllText(Path.Combine(r, "status.json"))).RootElement)
            .First(s => s.GetProperty("state").GetString() == "failed");
        Assert.InRange(failed.GetProperty("steps").GetInt64(), 1, 19_999);
        Assert.True(failed.GetProperty("seconds").GetDouble() > 0);
        // It stopped early, not after the 20,000 steps of a run nobody wants.
        Assert.DoesNotContain("20000/20000", run.Out);
        // The step that diverged is in train.arrow, with the loss the message names: the evidence is queryable.
        var failedDir = Directory.GetDirectories(runs).First(r => Status(r) == "failed");
        var said = System.Text.RegularExpressions.Regex.Match(run.Err, @"training loss (\S+) at step (\d+)");
        var query = CliProcess.Run(dir, Limit, "query", failedDir, "SELECT step, train_loss FROM train ORDER BY step DESC LIMIT 1");
        Assert.True(query.Exit == 0, query.Err);
        var last = query.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(said.Groups[2].Value, last[0]);
        Assert.Equal(double.Parse(said.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture),
            double.Parse(last[1], System.Globalization.CultureInfo.InvariantCulture), 1e-3 * Math.Abs(double.Parse(last[1], System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Fact]
    public void A_second_process_on_a_sweep_directory_is_refused_while_the_first_writes_it()
    {
        Synthetic(400_000);
        using var first = CliProcess.Start(dir, "run", "syn.yaml", "--jobs", "1", "--no-analysis");
        first.WaitUntil(() => File.Exists(Path.Combine(dir, "artifacts", "syn", SweepLock.FileName + ".owner")), Limit, "the lock");
        var second = CliProcess.Run(dir, Limit, "run", "syn.yaml", "--set", "train.steps=10", "--no-analysis");
        Assert.Equal(1, second.Exit);
        Assert.Contains("is in use by another pipeline process (pid " + first.Id, second.Err);
        Assert.Contains("--artifacts", second.Err);
        first.KillHard();
        // The lock dies with its process, even by SIGKILL.
        Assert.Equal(0, CliProcess.Run(dir, Limit, "run", "syn.yaml", "--set", "train.steps=10", "--no-analysis").Exit);
    }

    [Fact]
    public void Sigterm_stops_training_and_lets_the_analysis_finish_on_what_exists()
    {
        Synthetic(2_000_000);
        using var run = CliProcess.Start(dir, "run", "syn.yaml", "--jobs", "1");
        var runs = Path.Combine(dir, "artifacts", "syn", "runs");
        // The plot and table need metrics rows: wait for a progress line past the first logging step (500).
        run.WaitForStep(500, Limit, logged: true);
        run.Signal(15);
        var (exit, output, err) = run.WaitForExit(Limit);
        Assert.Equal(130, exit);
        Assert.Contains("stopping", err);
        // The log says the analysis ran, and counts the stopped run as interrupted, not finished.
        Assert.Contains("the analysis ran on what the interrupted runs wrote", output);
        Assert.Contains("[0/6 runs completed, 2 interrupted]", output);   // the first group (two runs) stopped; four never started
        Assert.DoesNotContain("runs finished", output);
        var sweep = Path.Combine(dir, "artifacts", "syn");
        Assert.True(File.Exists(Path.Combine(sweep, "analysis", "curve.png")), err);
        Assert.True(File.Exists(Path.Combine(sweep, "analysis", "last.arrow")));
        using var catalog = ArtifactCatalog.Open(sweep);
        Assert.Contains(Directory.GetDirectories(runs), r => Status(r) == "interrupted");
    }

    [Fact]
    public void A_second_sigterm_during_the_wind_down_stops_at_once_with_130()
    {
        // The wind-down after the first stop includes the analysis; this one's table hashes 10^9 numbers per
        // metrics row (minutes once there are rows; nothing when the SQL is checked before training), so the
        // second signal surely arrives while it runs.
        Write("syn.yaml",
            "name: syn", "synthetic: {tasks: 4, dims_per_task: 4, width: 4}",
            "train: {steps: 2000000, batch_size: 32, log_every: 500}",
            "sweep: {synthetic.width: [2, 4]}",
            "analysis:",
            "  tables: [{name: slow, sql: 'SELECT sum(hash(m.step + r.range)) AS h FROM metrics m CROSS JOIN range(1000000000) r'}]");
        using var run = CliProcess.Start(dir, "run", "syn.yaml", "--jobs", "1");
        run.WaitForStep(500, Limit, logged: true);
        run.Signal(15);
        // Training has stopped and its files are complete once the runner says so; the analysis starts next.
        run.WaitUntil(() => run.Output.Contains("interrupted: artifacts written so far are complete and readable"), Limit, "the end of training");
        run.Signal(15);
        var (exit, output, err) = run.WaitForExit(Limit);
        Assert.Equal(130, exit);
        Assert.Contains("stopping: completing the files written so far", err);
        // Stopped by a kill, not a terminal: told the signal that stops it at once, not to press Ctrl+C (it was).
        Assert.Contains("; a second SIGTERM or Ctrl+C stops at once)", err);
        Assert.DoesNotContain("press Ctrl+C", err);
        // The log promised the analysis when the first stop's wind-down began; the second stop says it does not run after all.
        Assert.Contains("the analysis runs on them now", output);
        Assert.Contains("stopped at once: files still being written are left as a kill leaves them", err);
        Assert.Contains("no analysis runs", err);
        Assert.DoesNotContain("the analysis ran on", output);
        Assert.DoesNotContain("grace period ended", err);
        // Both runs of the group were stopped: counted as interrupted, not as finished.
        Assert.Contains("[0/2 runs completed, 2 interrupted]", output);
        var sweep = Path.Combine(dir, "artifacts", "syn");
        Assert.False(File.Exists(Path.Combine(sweep, "analysis", "slow.arrow")));   // the analysis did not finish
        // What the first stop completed before the second is still readable: every run's rows up to its last logged step.
        Assert.All(Directory.GetDirectories(Path.Combine(sweep, "runs")), r => Assert.Equal("interrupted", Status(r)));
        Assert.Equal("2", SweepRows.Of(sweep, "SELECT count(DISTINCT run) FROM metrics WHERE step >= 500"));
    }

    [Fact]
    public void Relative_paths_resolve_against_the_pipeline_files_folder_from_any_directory()
    {
        var project = Path.Combine(dir, "project");
        TinyCorpus.WriteShard(Path.Combine(project, "data"));
        foreach (var f in new[] { "bytes-vocab.json", "bytes-merges.txt" })
        {
            Directory.CreateDirectory(Path.Combine(project, "tok"));
            File.Copy(Path.Combine(RepoFiles.PipelinesDirectory, "tokenizers", f), Path.Combine(project, "tok", f));
        }
        Write("project/pipelines/tiny.yaml",
            "name: tiny", "experiment: olmo", "device: cpu",
            "data:",
            "  sources: [{paths: ['../data/shards/*.jsonl'], epochs: 0}]",
            "  tokenizer: {kind: bpe, path: ../tok/bytes-vocab.json, merges_path: ../tok/bytes-merges.txt}",
            "  packing: {seq_len: 16, batch_size: 4, held_out_every: 10, validation_rows: 4}",
            "  tasks: [{kind: modular_addition, frequency: 0.02}]",
            "olmo: {preset: 4M, layers: 1, hidden: 32, mlp_dim: 64, heads: 4, eval_every: 2, eval_instances: 8}",
            "train: {steps: 3, lr: 0.003, warmup_steps: 1, log_every: 1}");
        var elsewhere = Directory.CreateDirectory(Path.Combine(dir, "elsewhere")).FullName;
        var run = CliProcess.Run(elsewhere, Limit, "run", Path.Combine(project, "pipelines", "tiny.yaml"), "--no-analysis");
        Assert.True(run.Exit == 0, run.Err);
        Assert.True(File.Exists(Path.Combine(elsewhere, "artifacts", "tiny", "runs", "default", "train.arrow")));

        // --data-dir points the same relative paths elsewhere; a path that matches nothing is invalid
        // input named by its key, before any work (no sweep directory).
        var wrong = CliProcess.Run(elsewhere, Limit, "run", Path.Combine(project, "pipelines", "tiny.yaml"), "--data-dir", elsewhere, "--artifacts", "out2");
        Assert.Equal(2, wrong.Exit);
        Assert.Contains("data.sources[0].paths[0]", wrong.Err);
        Assert.Contains("data.tokenizer.path", wrong.Err);
        Assert.Contains(":5:", wrong.Err);   // the line of the paths
        Assert.False(Directory.Exists(Path.Combine(elsewhere, "out2")));
        var moved = CliProcess.Run(elsewhere, Limit, "validate", Path.Combine(project, "pipelines", "tiny.yaml"), "--data-dir", Path.Combine(project, "pipelines"));
        Assert.Equal(0, moved.Exit);
    }

    [Fact]
    public void Query_writes_csv_parquet_or_arrow_by_the_extension_and_refuses_others()
    {
        Synthetic(600);
        Assert.Equal(0, CliProcess.Run(dir, Limit, "run", "syn.yaml", "--no-analysis").Exit);
        const string sql = "SELECT run, step, task, loss FROM metrics ORDER BY run, step, task";
        var sweep = Path.Combine("artifacts", "syn");
        foreach (var file in new[] { "out.csv", "out.parquet", "out.arrow" })
            Assert.Equal(0, CliProcess.Run(dir, Limit, "query", sweep, sql, "--output", file).Exit);

        var csv = File.ReadAllLines(Path.Combine(dir, "out.csv"));
        Assert.Equal("run,step,task,loss", csv[0]);
        using var catalog = ArtifactCatalog.Open(Path.Combine(dir, sweep));
        var expected = SqlRunner.Query(catalog.Connection, sql).Rows;
        Assert.Equal(expected.Count + 1, csv.Length);
        Assert.StartsWith($"{expected[0][0]},{expected[0][1]},{expected[0][2]},", csv[1]);
        // Parquet: DuckDB reads it back; Arrow: the artifact reader does.
        var parquet = SqlRunner.Query(catalog.Connection, $"SELECT count(*), sum(loss) FROM read_parquet('{Path.Combine(dir, "out.parquet")}')").Rows.Single();
        var total = SqlRunner.Query(catalog.Connection, "SELECT count(*), sum(loss) FROM metrics").Rows.Single();
        Assert.Equal(total, parquet);
        Assert.Equal(expected.Count, ArtifactCatalog.Open(Path.Combine(dir)).Tables.Single(t => t.Name == "out").Rows);

        var bad = CliProcess.Run(dir, Limit, "query", sweep, sql, "--output", "out.xlsx");
        Assert.Equal(2, bad.Exit);
        Assert.Contains("use .csv, .parquet or .arrow", bad.Err);
        var empty = CliProcess.Run(dir, Limit, "query", sweep, " ");
        Assert.Equal(2, empty.Exit);
        Assert.Contains("the SQL is empty", empty.Err);
        var typo = CliProcess.Run(dir, Limit, "query", sweep, "SELECT nope FROM metrics");
        Assert.Equal(2, typo.Exit);
        Assert.Contains("nope", typo.Err);
    }

    [Fact]
    public void Advise_answers_from_a_synthetic_file_and_refuses_what_it_cannot_answer()
    {
        var file = RepoFiles.Pipeline("synthetic-residual.yaml");
        var advice = CliProcess.Run(dir, Limit, "advise", file, "--profile", "cpu", "--output", "out");
        Assert.True(advice.Exit == 0, advice.Err);
        Assert.Contains("advice_widths", advice.Out);
        Assert.True(File.Exists(Path.Combine(dir, "out", "advice.png")));
        // The cpu profile's N_crit is 50 at pi_r = 0.01: width 50 needs at most 0.01, width 49 more.
        using var catalog = ArtifactCatalog.Open(Path.Combine(dir, "out"));
        var rows = SqlRunner.Query(catalog.Connection, "SELECT width, min_rare_frequency FROM advice_widths WHERE width IN (49, 50) ORDER BY width").Rows;
        Assert.True(Convert.ToDouble(rows[0][1]) > 0.01 && Convert.ToDouble(rows[1][1]) <= 0.01);

        Assert.Equal(2, CliProcess.Run(dir, Limit, "advise", "no-such-sweep").Exit);
        Assert.Equal(2, CliProcess.Run(dir, Limit, "advise", file, "--size", "1000").Exit);
        var olmo = CliProcess.Run(dir, Limit, "advise", RepoFiles.Pipeline("olmo-frequency-phase.yaml"));
        Assert.Equal(2, olmo.Exit);
        Assert.Contains("reads its sweep directory", olmo.Err);
    }

    [Fact]
    public void A_plain_rerun_keeps_the_earlier_results_and_records_provenance()
    {
        Synthetic(100);
        Assert.Equal(0, CliProcess.Run(dir, Limit, "run", "syn.yaml", "--no-analysis").Exit);
        var again = CliProcess.Run(dir, Limit, "run", "syn.yaml", "--no-analysis");
        Assert.Equal(0, again.Exit);
        Assert.Contains("earlier results kept in", again.Out);
        var sweep = Path.Combine(dir, "artifacts", "syn");
        var kept = Assert.Single(Directory.GetDirectories(Path.Combine(sweep, "previous")));
        Assert.Equal(6, Directory.GetDirectories(Path.Combine(kept, "runs")).Length);
        Assert.True(File.Exists(Path.Combine(kept, "pipeline.yaml")));
        using (var catalog = ArtifactCatalog.Open(sweep))   // the sweep holds this run's six runs, not twelve
            Assert.Equal(6L, Convert.ToInt64(SqlRunner.Query(catalog.Connection, "SELECT count(DISTINCT run) FROM params").Rows.Single()[0]));
        var provenance = JsonDocument.Parse(File.ReadAllText(Path.Combine(sweep, "runs", "width-2_frequency_exponent-0.5", "provenance.json"))).RootElement;
        Assert.Matches(@"\+[0-9a-f]{7,}", provenance.GetProperty("version").GetString());   // the build's git commit
        Assert.Equal("completed", provenance.GetProperty("state").GetString());
        Assert.Contains("syn.yaml", provenance.GetProperty("command_line").GetString());
        Assert.False(string.IsNullOrEmpty(provenance.GetProperty("finished").GetString()));

        Assert.Equal(0, CliProcess.Run(dir, Limit, "run", "syn.yaml", "--no-analysis", "--overwrite", "--set", "train={lr: 0.01}").Exit);
        Assert.Single(Directory.GetDirectories(Path.Combine(sweep, "previous")));   // --overwrite kept nothing more
        // The recorded command line is one bash reads back as the same words (quoted where a word has spaces or braces).
        var line = JsonDocument.Parse(File.ReadAllText(Path.Combine(sweep, "runs", "width-2_frequency_exponent-0.5", "provenance.json")))
            .RootElement.GetProperty("command_line").GetString()!;
        var words = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("bash", ["-c", "printf '%s\\n' " + line])
            { RedirectStandardOutput = true })!.StandardOutput.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["run", "syn.yaml", "--no-analysis", "--overwrite", "--set", "train={lr: 0.01}"], words[^6..]);
    }

    [Fact]
    public void A_resume_under_a_changed_spec_is_refused_listing_what_changed()
    {
        Synthetic(100);
        Assert.Equal(0, CliProcess.Run(dir, Limit, "run", "syn.yaml", "--no-analysis").Exit);
        var status = Path.Combine(dir, "artifacts", "syn", "runs", "width-2_frequency_exponent-0.5", "status.json");
        var before = File.ReadAllText(status);
        var refused = CliProcess.Run(dir, Limit, "run", "syn.yaml", "--no-analysis", "--resume", "--set", "train.lr=0.01", "--set", "train.batch_size=16");
        Assert.Equal(2, refused.Exit);
        Assert.Contains("width-2_frequency_exponent-0.5: train.batch_size: 32 → 16; train.lr: 0.001 → 0.01", refused.Err);
        Assert.Equal(before, File.ReadAllText(status));   // nothing was touched
        Assert.Equal(0, CliProcess.Run(dir, Limit, "run", "syn.yaml", "--no-analysis", "--resume").Exit);   // the same spec resumes
    }

    [Fact]
    public void A_resume_after_editing_only_the_analysis_or_description_skips_the_runs_and_runs_the_new_analysis()
    {
        Synthetic(100);
        Assert.Equal(0, CliProcess.Run(dir, Limit, "run", "syn.yaml").Exit);
        var status = Path.Combine(dir, "artifacts", "syn", "runs", "width-2_frequency_exponent-0.5", "status.json");
        var before = File.ReadAllText(status);
        var path = Path.Combine(dir, "syn.yaml");
        File.WriteAllText(path, "description: the same runs, another table\n" + File.ReadAllText(path)
            .Replace("tables: [{name: last,", "tables: [{name: steps_by_width, sql: 'SELECT p.width, count(*) AS n FROM metrics JOIN params p USING (run) GROUP BY p.width'}, {name: last,"));
        var resumed = CliProcess.Run(dir, Limit, "run", "syn.yaml", "--resume");
        Assert.True(resumed.Exit == 0, resumed.Err);
        Assert.Contains("completed earlier, skipped (--resume)", resumed.Out);
        Assert.Equal(before, File.ReadAllText(status));   // not trained again
        var rows = ArrowRows.Read(Path.Combine(dir, "artifacts", "syn", "analysis", "steps_by_width.arrow"));
        Assert.Equal([2, 4], rows.Select(r => Convert.ToInt32(r["width"])).Order());
        Assert.Single(rows.Select(r => r["n"]).Distinct());   // three runs per width, the same rows each
        // A changed training key is still refused beside them.
        var refused = CliProcess.Run(dir, Limit, "run", "syn.yaml", "--resume", "--set", "train.lr=0.01");
        Assert.Equal(2, refused.Exit);
        Assert.Contains("width-2_frequency_exponent-0.5: train.lr: 0.001 → 0.01\n", refused.Err);   // that key alone
    }
}
