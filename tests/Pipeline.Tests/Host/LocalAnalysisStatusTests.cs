using System.Text.RegularExpressions;
using Retention.Tests.Pipeline;

namespace Retention.Tests.Host;

/// <summary>`status` on a sweep trained by `run`: a failed analysis fails the sweep's status (exit 1, with its error), and an
/// `analyze` that then succeeds makes it complete, as a script polling `status` needs.</summary>
public class LocalAnalysisStatusTests() : InTempFolder("local-analysis-status-")
{
    static readonly TimeSpan Limit = TimeSpan.FromMinutes(3);

    const string Head = TinySynthetic.Named;

    // Valid SQL whose failure only running it shows (no check before training can catch it).
    const string Failing = Head + "analysis:\n  tables:\n    - name: bad\n      sql: SELECT CAST('abc' AS INTEGER) AS x FROM metrics\n";
    const string Fixed = Head + "analysis:\n  tables:\n    - name: bad\n      sql: SELECT count(*) AS x FROM metrics\n";

    [Fact]
    public void A_failed_analysis_fails_status_until_an_analyze_succeeds()
    {
        File.WriteAllText(Path.Combine(dir, "failing.yaml"), Failing);
        File.WriteAllText(Path.Combine(dir, "fixed.yaml"), Fixed);
        var run = CliProcess.Run(dir, Limit, "run", "failing.yaml");
        Assert.True(run.Exit == 1, run.Out + run.Err);
        Assert.Contains("Conversion Error", run.Err);

        var failed = CliProcess.Run(dir, Limit, "status", "artifacts/s");
        Assert.True(failed.Exit == 1, failed.Out + failed.Err);
        Assert.Contains("1 run: 1 completed", failed.Out);
        Assert.Contains("analysis: failed: failing.yaml:7:19: analysis table 'bad'", failed.Out);
        Assert.Contains("Conversion Error", failed.Out);

        var analyze = CliProcess.Run(dir, Limit, "analyze", "artifacts/s", "--pipeline", "fixed.yaml");
        Assert.True(analyze.Exit == 0, analyze.Out + analyze.Err);
        var done = CliProcess.Run(dir, Limit, "status", "artifacts/s");
        Assert.True(done.Exit == 0, done.Out + done.Err);
        Assert.Contains("analysis: completed: tables and plots in analysis/", done.Out);
    }

    /// <summary>An analysis written before runs a later `run --resume --no-analysis` trained leaves their rows out: status
    /// says it is stale (exit 4) until `analyze`; a resume that drops runs keeps the analysis over them with them.</summary>
    [Fact]
    public void An_analysis_older_than_its_runs_is_stale_and_one_over_dropped_runs_moves_with_them()
    {
        File.WriteAllText(Path.Combine(dir, "s.yaml"), Fixed + "sweep: {seed: [0]}\n");
        Assert.Equal(0, CliProcess.Run(dir, Limit, "run", "s.yaml").Exit);
        var grown = CliProcess.Run(dir, Limit, "run", "s.yaml", "--resume", "--no-analysis", "--set", "sweep.seed=[0,1]");
        Assert.True(grown.Exit == 0, grown.Out + grown.Err);
        var stale = CliProcess.Run(dir, Limit, "status", "artifacts/s");
        Assert.True(stale.Exit == 4, stale.Out + stale.Err);
        Assert.Contains($"analysis: stale: written before 1 run finished, whose rows it leaves out: `pipeline analyze {Path.Combine(dir, "artifacts", "s")}` writes it again", stale.Out);
        Assert.Equal(0, CliProcess.Run(dir, Limit, "analyze", "artifacts/s").Exit);
        Assert.Equal(0, CliProcess.Run(dir, Limit, "status", "artifacts/s").Exit);

        // Back to one seed: seed-1 and the analysis over both move to previous/ together; none is left to read as current.
        var shrunk = CliProcess.Run(dir, Limit, "run", "s.yaml", "--resume", "--no-analysis");
        Assert.True(shrunk.Exit == 0, shrunk.Out + shrunk.Err);
        Assert.Contains("the analysis of those runs kept in", shrunk.Out);
        Assert.False(Directory.Exists(Path.Combine(dir, "artifacts", "s", "analysis")));
        var previous = Assert.Single(Directory.GetDirectories(Path.Combine(dir, "artifacts", "s", "previous")));
        Assert.True(File.Exists(Path.Combine(previous, "analysis", "bad.arrow")));
        Assert.True(Directory.Exists(Path.Combine(previous, "runs", "seed-1")));
        // Its analysis went with the dropped run: none is left over seed-0 alone, which status says (it said nothing, exit 0).
        var status = CliProcess.Run(dir, Limit, "status", "artifacts/s");
        Assert.True(status.Exit == 4, status.Out + status.Err);
        Assert.Contains($"analysis: not run: `pipeline analyze {Path.Combine(dir, "artifacts", "s")}` writes its tables and plots", status.Out);
    }

    /// <summary>A sweep trained with --no-analysis is not finished: status said nothing of the analysis and exited 0.</summary>
    [Fact]
    public void A_sweep_trained_without_its_analysis_says_the_analysis_has_not_run_until_analyze()
    {
        File.WriteAllText(Path.Combine(dir, "s.yaml"), Fixed);
        Assert.Equal(0, CliProcess.Run(dir, Limit, "run", "s.yaml", "--no-analysis").Exit);
        var status = CliProcess.Run(dir, Limit, "status", "artifacts/s");
        Assert.True(status.Exit == 4, status.Out + status.Err);
        Assert.Contains("1 run: 1 completed", status.Out);
        Assert.Contains($"analysis: not run: `pipeline analyze {Path.Combine(dir, "artifacts", "s")}` writes its tables and plots\n", status.Out.ReplaceLineEndings("\n"));

        Assert.Equal(0, CliProcess.Run(dir, Limit, "analyze", "artifacts/s").Exit);
        var done = CliProcess.Run(dir, Limit, "status", "artifacts/s");
        Assert.True(done.Exit == 0, done.Out + done.Err);
        Assert.Contains("analysis: completed", done.Out);
    }

    /// <summary>A pipeline without an analysis section has none to run: nothing is said of one, and a finished sweep is 0.</summary>
    [Fact]
    public void A_pipeline_without_an_analysis_has_no_analysis_line()
    {
        File.WriteAllText(Path.Combine(dir, "s.yaml"), Head);
        Assert.Equal(0, CliProcess.Run(dir, Limit, "run", "s.yaml").Exit);
        var status = CliProcess.Run(dir, Limit, "status", "artifacts/s");
        Assert.True(status.Exit == 0, status.Out + status.Err);
        Assert.DoesNotContain("analysis:", status.Out);
    }

    /// <summary>Runs stopped before they logged what the analysis reads: the analysis cannot run, and that is the stop's
    /// doing, not a failure of the analysis: status says interrupted and exits 4, as for the runs (it exited 1).</summary>
    [Fact]
    public async Task An_analysis_the_stop_came_too_early_for_is_interrupted_not_failed()
    {
        // Two plots with no rows yet beside a table that has them: the tables were written, the plots not.
        var yaml = Head.Replace("steps: 200", "steps: 5000").Replace("log_every: 50", "log_every: 1000") + "analysis:\n" +
                   "  tables:\n    - {name: runs, sql: 'SELECT run FROM params'}\n  plots:\n" +
                   "    - {name: late, kind: line, sql: 'SELECT step, loss FROM metrics WHERE step > 0', x: step, y: loss}\n" +
                   "    - {name: later, kind: line, sql: 'SELECT step, loss FROM metrics WHERE step > 1', x: step, y: loss}\n";
        using var stop = new CancellationTokenSource();
        var result = await Retention.Pipeline.PipelineRunner.RunAsync(Retention.Spec.SpecLoader.LoadText(yaml, Path.Combine(dir, "s.yaml")),
            Path.Combine(dir, "artifacts"), new Retention.Tests.Pipeline.StopAt(10, stop), stop.Token);
        Assert.True(result.Interrupted);

        var status = CliProcess.Run(dir, Limit, "status", "artifacts/s");
        Assert.True(status.Exit == 4, status.Out + status.Err);
        // One thing said, and true: it ran, wrote the table, and did not complete (it said "did not run", then "the tables were written").
        Assert.Contains("analysis: interrupted: the analysis of what the interrupted runs wrote did not complete (2 plots: plot 'late'", status.Out);
        Assert.Contains("no rows to plot (the table was written)); `pipeline run ... --resume` finishes the runs and then runs it", status.Out);
        Assert.DoesNotContain("the other plots", status.Out);
        Assert.True(File.Exists(Path.Combine(dir, "artifacts", "s", "analysis", "runs.arrow")));
        Assert.Contains("`pipeline run ... --resume` finishes the runs and then runs it", status.Out);
    }

    /// <summary>A run killed before its first checkpoint (SIGKILL: no status.json, no tables) leaves a table no run has written:
    /// the analysis fails on it, and status says why as `analyze` does, not with DuckDB's "Catalog Error".</summary>
    [Fact]
    public void An_analysis_failing_on_a_table_no_run_has_written_says_so_in_status_as_analyze_does()
    {
        File.WriteAllText(Path.Combine(dir, "s.yaml"), Fixed);   // its table reads metrics
        Assert.Equal(0, CliProcess.Run(dir, Limit, "run", "s.yaml", "--no-analysis").Exit);
        // As a kill leaves the run: started (provenance.json), no status.json, and none of the tables it writes at its end.
        var run = Assert.Single(Directory.GetDirectories(Path.Combine(dir, "artifacts", "s", "runs")));
        foreach (var file in new[] { "status.json", "metrics.arrow", "train.arrow", "injections.arrow", "interference.arrow" })
            File.Delete(Path.Combine(run, file));

        var analyze = CliProcess.Run(dir, Limit, "analyze", "artifacts/s");
        Assert.True(analyze.Exit == 1, analyze.Out + analyze.Err);
        Assert.Contains("Table with name metrics does not exist", analyze.Err);
        const string note = "the runs write table 'metrics', but none has written it yet: a run writes its tables at its checkpoints and when it ends";
        Assert.Contains($"note: {note}", analyze.Err);

        var status = CliProcess.Run(dir, Limit, "status", "artifacts/s");
        Assert.True(status.Exit == 1, status.Out + status.Err);
        Assert.Matches($@"analysis: failed: {Regex.Escape(Path.Combine("artifacts", "s", "pipeline.yaml"))}:\d+:\d+: analysis table 'bad': {Regex.Escape(note)}", status.Out);
        Assert.DoesNotContain("Catalog Error", status.Out);
    }

    /// <summary>A sweep none of whose runs started (a submission's tasks all cancelled while pending: pipeline.yaml, no runs/
    /// folder; the analysis job still runs, after the array): the failure on a table no run has written is explained there
    /// too, in `analyze`'s note, not left as DuckDB's "Catalog Error"; status says the analysis has not run on any run's
    /// tables (exit 4: resubmit), not that the sweep failed.</summary>
    [Fact]
    public void An_analysis_of_a_sweep_none_of_whose_runs_started_says_its_table_is_unwritten()
    {
        File.WriteAllText(Path.Combine(dir, "s.yaml"), Fixed);   // its table reads metrics
        Assert.Equal(0, CliProcess.Run(dir, Limit, "run", "s.yaml", "--no-analysis").Exit);
        Directory.Delete(Path.Combine(dir, "artifacts", "s", "runs"), recursive: true);

        var analyze = CliProcess.Run(dir, Limit, "analyze", "artifacts/s");
        Assert.True(analyze.Exit == 1, analyze.Out + analyze.Err);
        const string note = "the runs write table 'metrics', but none has written it yet: a run writes its tables at its checkpoints and when it ends";
        Assert.Contains($"note: {note}", analyze.Err);
        var status = CliProcess.Run(dir, Limit, "status", "artifacts/s");
        Assert.True(status.Exit == 4, status.Out + status.Err);
        Assert.Contains("analysis: not run: no run had started, so there was nothing to analyse", status.Out);
        Assert.DoesNotContain("Catalog Error", status.Out);
    }

    [Fact]
    public void Analyze_with_a_pipeline_of_another_experiment_is_refused_before_the_analysis_there_moves()
    {
        File.WriteAllText(Path.Combine(dir, "s.yaml"), Fixed);
        Assert.Equal(0, CliProcess.Run(dir, Limit, "run", "s.yaml").Exit);
        var olmo = Retention.Tests.Pipeline.RepoFiles.Pipeline("olmo-frequency-phase.yaml");
        // Before: the sweep's analysis moved to previous/, then the OLMo tables failed on task_metrics.
        var refused = CliProcess.Run(dir, Limit, "analyze", "artifacts/s", "--pipeline", olmo);
        Assert.True(refused.Exit == 2, refused.Out + refused.Err);
        Assert.Contains($"--pipeline {olmo}: is an experiment: olmo pipeline, but artifacts/s holds experiment: synthetic runs", refused.Err);
        Assert.True(File.Exists(Path.Combine(dir, "artifacts", "s", "analysis", "bad.arrow")));
        Assert.False(Directory.Exists(Path.Combine(dir, "artifacts", "s", "previous")));
        Assert.Equal(0, CliProcess.Run(dir, Limit, "status", "artifacts/s").Exit);
    }

    [Fact]
    public void A_plot_that_fails_moves_the_earlier_analysis_drawing_of_it_to_previous()
    {
        static string Plot(int after) => Fixed + $"  plots:\n    - {{name: curve, kind: line, sql: 'SELECT step, loss FROM metrics WHERE step > {after}', x: step, y: loss}}\n";
        File.WriteAllText(Path.Combine(dir, "s.yaml"), Plot(0));
        File.WriteAllText(Path.Combine(dir, "none.yaml"), Plot(1_000_000));
        Assert.Equal(0, CliProcess.Run(dir, Limit, "run", "s.yaml").Exit);
        var png = Path.Combine(dir, "artifacts", "s", "analysis", "curve.png");
        var drawn = File.ReadAllBytes(png);

        var failed = CliProcess.Run(dir, Limit, "analyze", "artifacts/s", "--pipeline", "none.yaml");
        Assert.True(failed.Exit == 1, failed.Out + failed.Err);
        Assert.Contains("plot 'curve'", failed.Err);
        // Not beside the new tables as if it were theirs: in previous/, as it was.
        Assert.False(File.Exists(png));
        var kept = Assert.Single(Directory.GetFiles(Path.Combine(dir, "artifacts", "s", "previous"), "curve.png", SearchOption.AllDirectories));
        Assert.Equal(drawn, File.ReadAllBytes(kept));
        Assert.True(File.Exists(Path.Combine(dir, "artifacts", "s", "analysis", "bad.arrow")));   // the table before it was written
    }
}
