using Retention.Tests.Pipeline;

namespace Retention.Tests.Host;

/// <summary>
/// A sweep none of whose runs has started (its pipeline.yaml, written by a submission at once, and no runs/ yet) holds no table;
/// `query Q ... --output Q/x.arrow` made it a folder of loose Arrow files, read as one run holding x: the next query showed
/// table x, `analyze Q` loaded x as the runs' rows ("loaded x: 1 row from 1 file") and `advise Q` refused it as "one run's
/// directory". A .arrow beside a sweep is never its table, so the file changes none of them; likewise beside such sweeps in
/// a folder of them.
/// </summary>
public sealed class QueuedSweepQueryOutputTests() : InTempFolder("queued-sweep-output-")
{
    static readonly TimeSpan Limit = TimeSpan.FromMinutes(2);

    (int Exit, string Out, string Err) Cli(params string[] args) => CliProcess.Run(dir, Limit, args);

    /// <summary>sweeps/q as a submission leaves it before its first task: the resolved pipeline.yaml only.</summary>
    string Queued()
    {
        File.WriteAllText(Path.Combine(dir, "s.yaml"), TinySynthetic.Named);
        var printed = Cli("validate", "s.yaml", "--print");
        Assert.True(printed.Exit == 0, printed.Err);
        var sweep = Path.Combine(dir, "sweeps", "q");
        Directory.CreateDirectory(sweep);
        File.WriteAllText(Path.Combine(sweep, "pipeline.yaml"), printed.Out);
        return sweep;
    }

    [Fact]
    public void A_query_result_beside_a_sweep_whose_runs_have_not_started_is_read_as_no_table_by_query_analyze_or_advise()
    {
        var sweep = Queued();
        var written = Cli("query", "sweeps/q", "SELECT 1 AS x", "--output", "sweeps/q/x.arrow");
        Assert.True(written.Exit == 0, written.Err);
        Assert.True(File.Exists(Path.Combine(sweep, "x.arrow")));

        var tables = Cli("query", "sweeps/q", "SHOW TABLES");
        Assert.True(tables.Exit == 0, tables.Err);
        Assert.Equal("name\n----\n(no rows)\n", tables.Out);

        var advise = Cli("advise", "sweeps/q");
        Assert.True(advise.Exit == 2, advise.Out + advise.Err);
        Assert.Equal("error: sweeps/q: is a sweep none of whose runs has started (no runs/ folder yet); advise once they have trained " +
            "(`pipeline status sweeps/q` shows them)\n", advise.Err);

        var analyze = Cli("analyze", "sweeps/q");
        Assert.True(analyze.Exit == 0, analyze.Out + analyze.Err);
        Assert.DoesNotContain("loaded x", analyze.Out + analyze.Err);
        Assert.Contains("note: 1 of the sweep's 1 run has not completed (1 not started)", analyze.Err);
    }

    [Fact]
    public void A_query_result_beside_sweeps_whose_runs_have_not_started_is_read_as_no_table()
    {
        Queued();
        var written = Cli("query", "sweeps", "SELECT 1 AS x", "--output", "sweeps/summary.arrow");
        Assert.True(written.Exit == 0, written.Err);
        var tables = Cli("query", "sweeps", "SHOW TABLES");
        Assert.True(tables.Exit == 0, tables.Err);
        Assert.Equal("name\n----\n(no rows)\n", tables.Out);
    }

    /// <summary>Queried, such a sweep was told to "give a sweep directory, a run directory or a folder of sweeps": it is one.</summary>
    [Fact]
    public void A_query_of_a_sweep_whose_runs_have_not_started_says_so()
    {
        Queued();
        var tables = Cli("query", "sweeps/q", "SHOW TABLES");
        Assert.True(tables.Exit == 0, tables.Err);
        Assert.Equal("name\n----\n(no rows)\n", tables.Out);
        Assert.Equal("note: no Arrow tables under sweeps/q (it is a sweep none of whose runs has started (no runs/ folder yet): its runs " +
            "write their tables as they train (`pipeline status sweeps/q` shows them))\n", tables.Err);
    }
}
