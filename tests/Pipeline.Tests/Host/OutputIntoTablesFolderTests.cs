using Retention.Artifacts;
using Retention.Tests.Artifacts;
using Retention.Tests.Pipeline;

namespace Retention.Tests.Host;

/// <summary>
/// `query --output X.arrow` and `advise --output DIR` into a folder whose Arrow files a query reads as tables: a run's folder
/// (SWEEP/runs/RUN/), or for a query's result a sweep's analysis/. `query SWEEP ... --output SWEEP/runs/a/result.arrow` wrote a
/// table `result` holding run a's rows only into every later query of the sweep (exit 0), and `advise --output SWEEP/runs/a` put
/// advice_*.arrow there as run a's tables. Each is refused before any work, exit 2, suggesting a place beside the sweep; a .csv or
/// .parquet there, or a .arrow outside sweeps, is written as before.
/// </summary>
public class OutputIntoTablesFolderTests() : InTempFolder("output-into-tables-")
{
    static readonly TimeSpan Limit = TimeSpan.FromMinutes(2);

    sealed record Metric(long Step, double Loss);
    static readonly RecordBatchBuilder<Metric> Metrics = new RecordBatchBuilder<Metric>().Int64("step", m => m.Step).Float64("loss", m => m.Loss);

    /// <summary>A sweep under artifacts/ as a query reads one (runs/ only, no pipeline.yaml): runs a (2 rows) and b (3 rows).</summary>
    async Task<string> Sweep(string name)
    {
        var sweep = Path.Combine(dir, "artifacts", name);
        await ArrowFiles.WriteTableAsync(Path.Combine(sweep, "runs", "a", "metrics.arrow"), Metrics, [new(0, 1.0), new(10, 0.5)]);
        await ArrowFiles.WriteTableAsync(Path.Combine(sweep, "runs", "b", "metrics.arrow"), Metrics, [new(0, 1.0), new(10, 0.5), new(20, 0.25)]);
        return sweep;
    }

    (int Exit, string Out, string Err) Cli(params string[] args) => CliProcess.Run(dir, Limit, args);

    const string Tables = "SELECT string_agg(table_name, ',' ORDER BY table_name) AS t FROM information_schema.tables";

    [Fact]
    public async Task A_query_result_arrow_into_a_runs_folder_or_an_analysis_folder_is_refused_before_it_runs()
    {
        var sweep = await Sweep("s");
        var other = await Sweep("t");
        var artifacts = Path.Combine(dir, "artifacts");
        var read = Cli("query", "artifacts/s", Tables + "; SELECT count(*) AS n FROM metrics");
        Assert.True(read.Exit == 0, read.Err);
        Assert.EndsWith("n\n-\n5\n", read.Out);
        var before = Entries();
        var run = $"the folder of the run a of the sweep {sweep}, whose .arrow files every query of the sweep reads as that run's tables (its rows only)";
        var analysis = $"the analysis/ folder of the sweep {sweep}, whose .arrow files every query of the sweep reads as its analysis tables";
        // A run's own analysis/ is read by a query of that run only (not the sweep's): it was called the sweep's analysis/ folder.
        var runsAnalysis = $"the analysis/ folder of the run a of the sweep {sweep}, whose .arrow files every query of the run reads as its analysis tables";
        foreach (var (queried, output, lies) in new[]
        {
            ("artifacts/s", "artifacts/s/runs/a/result.arrow", run),
            ("artifacts/s", "artifacts/s/runs/a/Result.ARROW", run),   // read whatever the extension's case
            ("artifacts", "artifacts/s/runs/a/result.arrow", run),   // the folder of sweeps reads it as well
            ("artifacts/s/runs/a", "artifacts/s/runs/a/result.arrow", run),   // the run queried alone
            ("artifacts/s", "artifacts/s/analysis/result.arrow", analysis),
            ("artifacts/s/runs/a", "artifacts/s/runs/a/analysis/result.arrow", runsAnalysis),
            ("artifacts/s", "artifacts/s/runs/new/result.arrow", run.Replace("run a ", "run new ")),   // a new folder in runs/ is a run
        })
        {
            var (exit, stdout, err) = Cli("query", queried, "SELECT * FROM metrics", "--output", output);
            Assert.True(exit == 2, $"{queried} -> {output}: exit {exit}: {stdout}{err}");
            Assert.Equal("", stdout);
            Assert.Equal($"error: --output {output}: lies in {lies}: the result would be read as one of them; write outside the sweep, " +
                         $"e.g. {Path.Combine(artifacts, Path.GetFileName(output))} (nothing was run)\n", err);
            Assert.Equal(before, Entries());
        }

        // The sweep the output lies in is checked though another is queried: with its pipeline.yaml it is a sweep for any query.
        File.WriteAllText(Path.Combine(sweep, "pipeline.yaml"), "name: s\n");
        var across = Cli("query", other, "SELECT * FROM metrics", "--output", "artifacts/s/runs/a/result.arrow");
        Assert.Equal((2, ""), (across.Exit, across.Out));
        Assert.Contains($"lies in {run}", across.Err);
        File.Delete(Path.Combine(sweep, "pipeline.yaml"));

        // Files no query reads as tables: .csv, .parquet, .feather in the run's folder, and .arrow beside the sweeps.
        foreach (var output in new[] { "artifacts/s/runs/a/r.csv", "artifacts/s/runs/a/r.parquet", "artifacts/s/runs/a/r.feather", "artifacts/r.arrow" })
        {
            var (exit, _, err) = Cli("query", "artifacts/s", "SELECT * FROM metrics", "--output", output);
            Assert.True(exit == 0, $"{output}: exit {exit}: {err}");
            Assert.True(File.Exists(Path.Combine(dir, output)), output);
        }
        Assert.Equal(read, Cli("query", "artifacts/s", Tables + "; SELECT count(*) AS n FROM metrics"));   // no table more, no row more
    }

    [Fact]
    public async Task Advice_into_a_runs_folder_is_refused_before_any_work_and_into_an_analysis_folder_written()
    {
        var sweep = await Sweep("s");
        File.WriteAllText(Path.Combine(sweep, "pipeline.yaml"), "name: s\n");
        var alone = Path.Combine(dir, "lone");
        Directory.CreateDirectory(alone);
        File.WriteAllText(Path.Combine(alone, ArtifactLayout.RunManifest), "name: lone\n");
        File.Copy(Path.Combine(RepoFiles.PipelinesDirectory, "synthetic-residual.yaml"), Path.Combine(dir, "mix.yaml"));
        var before = Entries();
        foreach (var (output, lies, owner, beside) in new[]
        {
            ("artifacts/s/runs/a", $"the folder of the run a of the sweep {sweep}", "the sweep", Path.Combine(dir, "artifacts", "advice")),
            ("artifacts/s/runs/b/", $"the folder of the run b of the sweep {sweep}", "the sweep", Path.Combine(dir, "artifacts", "advice")),
            ("lone", $"the folder of the run {alone}", "the run", Path.Combine(dir, "advice")),
        })
        {
            var (exit, stdout, err) = Cli("advise", "mix.yaml", "--output", output);
            Assert.True(exit == 2, $"{output}: exit {exit}: {stdout}{err}");
            Assert.Equal("", stdout);
            Assert.Equal($"error: --output {output}: lies in {lies}, whose .arrow files every query of {owner} reads as that run's tables " +
                         $"(its rows only): the advice tables (advice_*.arrow) would be read as one of them; write outside {owner}, e.g. {beside}, " +
                         "or leave --output out (a sweep's advice goes to its analysis/) (nothing was run)\n", err);
            Assert.Equal(before, Entries());   // no lock, no staging folder
        }
    }

    List<string> Entries() => [.. Directory.EnumerateFileSystemEntries(dir, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal)];
}
