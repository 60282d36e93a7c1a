using Retention.Cluster;

namespace Retention.Tests.Host;

/// <summary>A hint that prints a command (`pipeline analyze SWEEP ...`, `pipeline status SWEEP`) writes its paths as bash
/// reads them back: a sweep under an --artifacts folder with a space or a quote in its name was printed bare, and the
/// command pasted from the hint named another folder (or none).</summary>
public sealed class HintPathQuotingTests() : InTempFolder("hint-quoting-")
{
    static readonly TimeSpan Limit = TimeSpan.FromMinutes(2);

    [Fact]
    public void The_hint_after_a_failed_analysis_quotes_the_sweep_folder()
    {
        File.WriteAllText(Path.Combine(dir, "p.yaml"), string.Join('\n',
            "name: p", "synthetic: {tasks: 4, dims_per_task: 2, width: 2}", "train: {steps: 20, log_every: 10}",
            "analysis: {tables: [{name: t, sql: 'SELECT CAST(''x'' || max(step) AS INTEGER) AS s FROM metrics'}]}") + "\n");

        var run = CliProcess.Run(dir, Limit, "run", "p.yaml", "--artifacts", "my runs");

        Assert.Equal(1, run.Exit);   // the table fails when it runs
        Assert.Contains("`pipeline analyze 'my runs/p' --pipeline FILE` redoes it without training", run.Err);
    }

    [Fact]
    public void Status_hints_quote_the_sweep_folder_and_leave_a_plain_one_as_it_is()
    {
        RunState[] runs = [new("width-2", "completed", "")];

        Assert.Equal("`pipeline analyze 'a b/it'\\''s'` writes its tables and plots", SweepStatus.NotRun(runs, "a b/it's")!.Detail);
        Assert.Equal("`pipeline analyze artifacts/p-cpu` writes its tables and plots", SweepStatus.NotRun(runs, "artifacts/p-cpu")!.Detail);
    }
}
