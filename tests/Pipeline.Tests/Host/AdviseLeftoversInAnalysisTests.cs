using Retention.Advice;
using Retention.Artifacts;

namespace Retention.Tests.Host;

/// <summary>What an advise killed while writing a sweep's analysis/ leaves there (its .advise-staging/ folder, and the
/// .lock and .lock.owner of a folder it held by a lock of its own), and a Finder's .DS_Store, are no analysis's tables:
/// `status` of a sweep trained with --no-analysis said its analysis was interrupted (any file there but the advice's
/// counted as a table), while `query` and `analyze` read past them.</summary>
public sealed class AdviseLeftoversInAnalysisTests() : InTempFolder("advise-leftovers-")
{
    static readonly TimeSpan Limit = TimeSpan.FromMinutes(3);

    string Sweep => Path.Combine(dir, "artifacts", "mix");
    string Analysis => Path.Combine(Sweep, ArtifactLayout.AnalysisDir);

    (int Exit, string Out, string Err) Cli(params string[] args) => CliProcess.Run(dir, Limit, args);

    [Fact]
    public void Status_query_and_analyze_take_a_killed_advises_leftovers_for_no_tables()
    {
        File.WriteAllText(Path.Combine(dir, "mix.yaml"), """
            name: mix
            device: cpu
            synthetic: {tasks: 2, dims_per_task: 2, width: 1, rare: {frequency: 0.05}}
            train: {steps: 10, batch_size: 8, log_every: 10}
            analysis:
              tables:
                - {name: last, sql: "SELECT run, max(step) AS steps FROM metrics GROUP BY run"}
            """);
        var run = Cli("run", "mix.yaml", "--no-analysis");
        Assert.True(run.Exit == 0, run.Out + run.Err);
        var advise = Cli("advise", Path.Combine("artifacts", "mix", "pipeline.yaml"), "--output", Analysis);
        Assert.True(advise.Exit == 0, advise.Out + advise.Err);

        var staging = Directory.CreateDirectory(Path.Combine(Analysis, AdviceReport.StagingDir)).FullName;
        File.Copy(Path.Combine(Analysis, "advice_widths.arrow"), Path.Combine(staging, "advice_widths.arrow"));
        File.WriteAllBytes(Path.Combine(staging, "advice_frequencies.arrow"), [1, 2, 3]);   // half written
        File.WriteAllText(Path.Combine(Analysis, SweepLock.FileName), "");
        File.WriteAllText(Path.Combine(Analysis, SweepLock.FileName + ".owner"), "pid 999999 on elsewhere since 2026-12-01 00:00:00Z (advice)\n");
        File.WriteAllText(Path.Combine(Analysis, ".DS_Store"), "finder");

        var status = Cli("status", Sweep);
        Assert.Contains("analysis: not run", status.Out);
        Assert.DoesNotContain("interrupted", status.Out);

        var tables = Cli("query", Sweep, "SELECT string_agg(table_name, ',' ORDER BY table_name) AS t FROM information_schema.tables WHERE table_name LIKE 'advice%'");
        Assert.True(tables.Exit == 0, tables.Out + tables.Err);
        Assert.Contains("advice_frequencies,advice_widths", tables.Out);   // the advice in place, once; nothing of the staging folder
        var widths = Cli("query", Sweep, "SELECT count(*) AS n FROM advice_widths");
        Assert.True(widths.Exit == 0, widths.Out + widths.Err);

        var analyze = Cli("analyze", Sweep);
        Assert.True(analyze.Exit == 0, analyze.Out + analyze.Err);
        var after = Cli("status", Sweep);
        Assert.True(after.Exit == 0, after.Out + after.Err);
        Assert.Contains("analysis: completed", after.Out);
        Assert.True(File.Exists(Path.Combine(Analysis, "advice_widths.arrow")), "the advice analyze does not write stays");
    }
}
