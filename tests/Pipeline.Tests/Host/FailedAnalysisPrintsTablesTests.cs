namespace Retention.Tests.Host;

/// <summary>An analysis step that fails when it runs keeps the tables written before it, and says so; `run` and `analyze`
/// print those the spec asks to print (print: true, the default) as after a success, before the error, with the exit
/// code and error as before. They used to print nothing.</summary>
public class FailedAnalysisPrintsTablesTests() : InTempFolder("failed-analysis-prints-")
{
    static readonly TimeSpan Limit = TimeSpan.FromMinutes(3);

    const string Head = "name: s\nsynthetic: {tasks: 2, dims_per_task: 2, width: 2}\ntrain: {steps: 20, batch_size: 8, log_every: 10}\n" +
        "analysis:\n  tables:\n" +
        "    - {name: last_logged, sql: 'SELECT max(step) AS last_step FROM metrics'}\n" +
        "    - {name: quiet, print: false, sql: 'SELECT 7 AS hidden_value'}\n";

    // The table as printed to a redirected output: title, header, rule, the one row (the run logged up to step 20).
    static readonly string Printed = string.Join(Environment.NewLine, "last_logged", "last_step", "---------", "       20") + Environment.NewLine;

    void Write(string yaml) => File.WriteAllText(Path.Combine(dir, "f.yaml"), Head + yaml);

    [Fact]
    public void Run_and_analyze_print_the_tables_written_before_a_plot_that_fails()
    {
        Write("  plots:\n    - {name: empty, kind: scatter, x: step, y: loss, sql: 'SELECT step, loss FROM metrics WHERE step < 0'}\n");

        var run = CliProcess.Run(dir, Limit, "run", "f.yaml");
        Assert.True(run.Exit == 1, run.Out + run.Err);
        Assert.Contains("plot 'empty': the query returned no rows to plot", run.Err);
        Assert.Contains(Printed, run.Out);
        Assert.DoesNotContain("hidden_value", run.Out);   // print: false stays unprinted

        var analyze = CliProcess.Run(dir, Limit, "analyze", "artifacts/s");
        Assert.True(analyze.Exit == 1, analyze.Out + analyze.Err);
        Assert.Contains("plot 'empty': the query returned no rows to plot", analyze.Err);
        Assert.Contains(Printed, analyze.Out);
        Assert.DoesNotContain("hidden_value", analyze.Out);
    }

    [Fact]
    public void Run_prints_the_tables_written_before_a_table_that_fails()
    {
        Write("    - {name: bad, sql: \"SELECT CAST('abc' AS INTEGER) AS x FROM metrics\"}\n");

        var run = CliProcess.Run(dir, Limit, "run", "f.yaml");
        Assert.True(run.Exit == 1, run.Out + run.Err);
        Assert.Contains("analysis table 'bad': Conversion Error", run.Err);
        Assert.Contains(Printed, run.Out);
        Assert.DoesNotContain("hidden_value", run.Out);
    }
}
