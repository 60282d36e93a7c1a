namespace Retention.Tests.Host;

/// <summary>`status` on a sweep trained by `run`: a failed analysis fails the sweep's status (exit 1, with its error), and an
/// `analyze` that then succeeds makes it complete, as a script polling `status` needs.</summary>
public class LocalAnalysisStatusTests() : InTempFolder("local-analysis-status-")
{
    static readonly TimeSpan Limit = TimeSpan.FromMinutes(3);

    const string Head = "name: s\nsynthetic: {tasks: 4, dims_per_task: 4, width: 2}\ntrain: {steps: 200, batch_size: 16, log_every: 50}\n";

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
        Assert.Contains("analysis: failed: analysis table 'bad'", failed.Out);
        Assert.Contains("Conversion Error", failed.Out);

        var analyze = CliProcess.Run(dir, Limit, "analyze", "artifacts/s", "--pipeline", "fixed.yaml");
        Assert.True(analyze.Exit == 0, analyze.Out + analyze.Err);
        var done = CliProcess.Run(dir, Limit, "status", "artifacts/s");
        Assert.True(done.Exit == 0, done.Out + done.Err);
        Assert.Contains("analysis: completed: tables and plots in analysis/", done.Out);
    }
}
