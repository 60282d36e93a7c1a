using Retention.Tests.Pipeline;

namespace Retention.Tests.Host;

/// <summary>An analysis that fails at a table over the sweep's earlier analysis: the tables before it are new, and the earlier
/// analysis's files of the failed table, the tables after it and the plots (none written again) were left in analysis/, so the
/// folder mixed two analyses and a query read the earlier ones as current. They now move to previous/, and `status` and
/// outcome.json say which tables are this analysis's.</summary>
public class FailedTableAnalysisTests() : InTempFolder("failed-table-analysis-")
{
    static readonly TimeSpan Limit = TimeSpan.FromMinutes(3);

    /// <summary>Three tables (each one value, telling the analyses apart) and a plot; <paramref name="second"/> is table two's SQL.</summary>
    static string Pipeline(int version, string second) =>
        TinySynthetic.Named +
        "analysis:\n  tables:\n" +
        $"    - {{name: one, sql: 'SELECT {version} AS v'}}\n" +
        $"    - {{name: two, sql: \"{second}\"}}\n" +
        $"    - {{name: three, sql: 'SELECT {version} AS v FROM one'}}\n" +
        "  plots:\n    - {name: curve, kind: line, sql: 'SELECT step, loss FROM metrics', x: step, y: loss}\n";

    [Fact]
    public void A_table_that_fails_moves_the_earlier_analysis_tables_not_written_again_to_previous_and_status_says_which_are_current()
    {
        File.WriteAllText(Path.Combine(dir, "s.yaml"), Pipeline(1, "SELECT 1 AS v"));
        var first = CliProcess.Run(dir, Limit, "run", "s.yaml");
        Assert.True(first.Exit == 0, first.Out + first.Err);
        var analysis = Path.Combine(dir, "artifacts", "s", "analysis");
        Assert.Equal(["curve.png", "one.arrow", "outcome.json", "three.arrow", "two.arrow"],
            Directory.GetFiles(analysis).Select(Path.GetFileName).Order(StringComparer.Ordinal));

        // Edited: table two's SQL passes validate but fails on its rows.
        File.WriteAllText(Path.Combine(dir, "s.yaml"), Pipeline(2, "SELECT CAST('abc' AS INTEGER) AS v FROM metrics"));
        var failed = CliProcess.Run(dir, Limit, "analyze", "artifacts/s", "--pipeline", "s.yaml");
        Assert.True(failed.Exit == 1, failed.Out + failed.Err);
        Assert.Contains("analysis table 'two'", failed.Err);

        // analysis/ holds the new table one only; the earlier two, three and curve are kept in previous/, as they were.
        Assert.Equal(["one.arrow", "outcome.json"], Directory.GetFiles(analysis).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        var kept = Assert.Single(Directory.GetDirectories(Path.Combine(dir, "artifacts", "s", "previous")));
        Assert.Equal(["curve.png", "three.arrow", "two.arrow"],
            Directory.GetFiles(Path.Combine(kept, "analysis")).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Contains($"the earlier analysis's two.arrow, three.arrow, curve.png, which this one did not write, moved to {Path.Combine(Path.GetRelativePath(dir, kept), "analysis")}", failed.Out);

        // A query reads this analysis's table one, and no earlier table as if current.
        var one = CliProcess.Run(dir, Limit, "query", "artifacts/s", "SELECT 'v=' || v AS said FROM one");
        Assert.True(one.Exit == 0, one.Out + one.Err);
        Assert.Contains("v=2", one.Out);
        var three = CliProcess.Run(dir, Limit, "query", "artifacts/s", "SELECT v FROM three");
        Assert.True(three.Exit != 0, three.Out + three.Err);
        Assert.Contains("does not exist", three.Err);
        var tables = CliProcess.Run(dir, Limit, "query", "artifacts/s", "SHOW TABLES");
        Assert.Contains("one", tables.Out);
        Assert.DoesNotContain("two", tables.Out);
        Assert.DoesNotContain("three", tables.Out);

        // status and outcome.json say which tables are current.
        var status = CliProcess.Run(dir, Limit, "status", "artifacts/s");
        Assert.True(status.Exit == 1, status.Out + status.Err);
        Assert.Contains("analysis: failed: ", status.Out);
        Assert.Contains($"(analysis/ holds this analysis's table one only; two, three not written; the earlier analysis's tables and " +
                        $"plots this one did not write moved to {Path.Combine(kept, "analysis")})", status.Out);
        using var outcome = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(analysis, "outcome.json")));
        Assert.Equal(["one"], outcome.RootElement.GetProperty("tables").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["two", "three"], outcome.RootElement.GetProperty("not_written").EnumerateArray().Select(e => e.GetString()));

        // Fixed: every table and the plot written again, and status lists them all as current.
        File.WriteAllText(Path.Combine(dir, "s.yaml"), Pipeline(3, "SELECT 3 AS v"));
        var again = CliProcess.Run(dir, Limit, "analyze", "artifacts/s", "--pipeline", "s.yaml");
        Assert.True(again.Exit == 0, again.Out + again.Err);
        Assert.Equal(["curve.png", "one.arrow", "outcome.json", "three.arrow", "two.arrow"],
            Directory.GetFiles(analysis).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        var done = CliProcess.Run(dir, Limit, "status", "artifacts/s");
        Assert.True(done.Exit == 0, done.Out + done.Err);
        Assert.DoesNotContain("not written", done.Out);
    }

    /// <summary>An analysis that advises (analysis.advise) owns the advice in analysis/ (it replaces it whole, whoever wrote it),
    /// and computes it after its plots: a failed table left the earlier advice files beside the new tables, as if they were this
    /// analysis's. They move to previous/ with the tables and plots; without analysis.advise the `advise` command's advice stays.</summary>
    [Fact]
    public void A_table_that_fails_in_an_analysis_that_advises_moves_the_earlier_advice_too_and_an_unadvised_one_keeps_the_commands()
    {
        static string Advising(string second, bool advises) =>
            "name: s\nsynthetic: {tasks: 4, dims_per_task: 4, width: 2, rare: {frequency: 0.05}}\ntrain: {steps: 20, batch_size: 8, log_every: 10}\n" +
            $"analysis:\n  tables:\n    - {{name: one, sql: 'SELECT 1 AS v'}}\n    - {{name: two, sql: \"{second}\"}}\n" + (advises ? "  advise: {}\n" : "");
        File.WriteAllText(Path.Combine(dir, "s.yaml"), Advising("SELECT 1 AS v", advises: true));
        var first = CliProcess.Run(dir, Limit, "run", "s.yaml");
        Assert.True(first.Exit == 0, first.Out + first.Err);
        var analysis = Path.Combine(dir, "artifacts", "s", "analysis");
        string[] advice = ["advice.png", "advice_frequencies.arrow", "advice_widths.arrow"];
        Assert.Equal([.. advice, "one.arrow", "outcome.json", "two.arrow"], Directory.GetFiles(analysis).Select(Path.GetFileName).Order(StringComparer.Ordinal));

        const string Failing = "SELECT CAST('abc' AS INTEGER) AS v FROM metrics";
        File.WriteAllText(Path.Combine(dir, "s.yaml"), Advising(Failing, advises: true));
        var failed = CliProcess.Run(dir, Limit, "analyze", "artifacts/s", "--pipeline", "s.yaml");
        Assert.True(failed.Exit == 1, failed.Out + failed.Err);
        Assert.Equal(["one.arrow", "outcome.json"], Directory.GetFiles(analysis).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        var kept = Assert.Single(Directory.GetDirectories(Path.Combine(dir, "artifacts", "s", "previous")));
        Assert.Equal([.. advice, "two.arrow"], Directory.GetFiles(Path.Combine(kept, "analysis")).Select(Path.GetFileName).Order(StringComparer.Ordinal));

        // Without analysis.advise the advice there is the `advise` command's (into the sweep's analysis/ here), not the analysis's: it stays.
        Assert.Equal(0, CliProcess.Run(dir, Limit, "advise", "s.yaml", "--output", analysis).Exit);
        File.WriteAllText(Path.Combine(dir, "s.yaml"), Advising(Failing, advises: false));
        var unadvised = CliProcess.Run(dir, Limit, "analyze", "artifacts/s", "--pipeline", "s.yaml");
        Assert.True(unadvised.Exit == 1, unadvised.Out + unadvised.Err);
        Assert.Equal([.. advice, "one.arrow", "outcome.json"], Directory.GetFiles(analysis).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }
}
