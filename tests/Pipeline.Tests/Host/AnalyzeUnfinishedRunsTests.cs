namespace Retention.Tests.Host;

/// <summary>`pipeline analyze` over a sweep whose runs have not all completed writes its tables from the rows they have
/// (exit 0, as before) and says so: a failed run's rows were left out of the printed tables without a word.</summary>
public class AnalyzeUnfinishedRunsTests() : InTempFolder("analyze-unfinished-")
{
    static readonly TimeSpan Limit = TimeSpan.FromMinutes(2);

    [Fact]
    public void Analyze_notes_the_runs_that_did_not_complete()
    {
        // lr 1000 diverges at its first logged step past 1.5x the first loss; one job, so lr-0.003 completes first.
        File.WriteAllText(Path.Combine(dir, "div.yaml"), string.Join('\n',
            "name: div", "synthetic: {tasks: 4, dims_per_task: 2, width: 2}",
            "train: {steps: 200, batch_size: 8, log_every: 100, max_loss_ratio: 1.5}",
            "sweep: {train.lr: [0.003, 1000]}",
            "analysis: {tables: [{name: final, sql: 'SELECT run, max(step) AS steps FROM metrics GROUP BY run'}]}") + "\n");
        var run = CliProcess.Run(dir, Limit, "run", "div.yaml", "--jobs", "1");
        Assert.True(run.Exit == 1, run.Err + run.Out);
        var sweep = Path.Combine("artifacts", "div");

        var analyze = CliProcess.Run(dir, Limit, "analyze", sweep);
        Assert.True(analyze.Exit == 0, analyze.Err + analyze.Out);
        Assert.Contains($"note: 1 of the sweep's 2 runs has not completed (1 failed): the tables hold only the rows it had written; " +
            $"`pipeline status {sweep}` shows them", analyze.Err);

        // Once every run has completed, nothing to note.
        File.WriteAllText(Path.Combine(dir, "div.yaml"), File.ReadAllText(Path.Combine(dir, "div.yaml")).Replace("1000]", "0.001]"));
        Assert.Equal(0, CliProcess.Run(dir, Limit, "run", "div.yaml", "--jobs", "1", "--overwrite").Exit);
        var again = CliProcess.Run(dir, Limit, "analyze", sweep);
        Assert.True(again.Exit == 0, again.Err + again.Out);
        Assert.DoesNotContain("note:", again.Err);
    }

    [Fact]
    public void A_one_run_sweep_is_said_as_one_run()
    {
        // The one run diverges (lr 1000, as above): "1 of the sweep's 1 runs" was the note.
        File.WriteAllText(Path.Combine(dir, "one.yaml"), string.Join('\n',
            "name: one", "synthetic: {tasks: 4, dims_per_task: 2, width: 2}",
            "train: {steps: 200, batch_size: 8, lr: 1000, log_every: 100, max_loss_ratio: 1.5}",
            "analysis: {tables: [{name: final, sql: 'SELECT run, max(step) AS steps FROM metrics GROUP BY run'}]}") + "\n");
        var run = CliProcess.Run(dir, Limit, "run", "one.yaml");
        Assert.True(run.Exit == 1, run.Err + run.Out);
        var sweep = Path.Combine("artifacts", "one");

        var analyze = CliProcess.Run(dir, Limit, "analyze", sweep);
        Assert.True(analyze.Exit == 0, analyze.Err + analyze.Out);
        Assert.Contains($"note: 1 of the sweep's 1 run has not completed (1 failed): the tables hold only the rows it had written; " +
            $"`pipeline status {sweep}` shows them", analyze.Err);
    }
}
