using Retention.Analysis;
using Retention.Artifacts;
using Retention.Pipeline;
using static Retention.Tests.Spec.SpecSamples;

namespace Retention.Tests.Analysis;

/// <summary>An analysis that no longer has a table or plot does not leave the old one to be queried as if
/// current: `pipeline analyze` with an edited file, then with the original.</summary>
public class StaleAnalysisTests() : InTempFolder("stale-")
{
    static string Analysis(params string[] tables) => string.Join('\n', [
        "name: t", "synthetic: {tasks: 2, dims_per_task: 2, width: 2}", "train: {steps: 10, batch_size: 8, log_every: 10}",
        "analysis:", "  tables:", .. tables.Select(t => $"    - {{name: {t}, sql: 'SELECT count(*) AS n FROM metrics'}}"),
        "  plots:", $"    - {{name: {tables[0]}_plot, kind: scatter, sql: 'SELECT step, loss FROM metrics', x: step, y: loss}}"]) + "\n";

    [Fact]
    public async Task Tables_and_plots_the_current_analysis_lacks_move_to_previous_and_are_no_longer_queried()
    {
        var result = await PipelineRunner.RunAsync(Load(Analysis("kept", "dropped")), dir, SilentProgress.Instance, CancellationToken.None);
        var analysis = Path.Combine(result.SweepDir, "analysis");
        // An advise output beside them belongs to the advise command and stays.
        File.Copy(Path.Combine(analysis, "kept.arrow"), Path.Combine(analysis, "advice_widths.arrow"));

        await AnalysisRunner.RunAsync(result.SweepDir, Load(Analysis("other")).Spec.Analysis);

        Assert.Equal(["advice_widths.arrow", "other.arrow", "other_plot.png", AnalysisOutcome.FileName],   // and how this analysis ended
            Directory.GetFiles(analysis).Select(Path.GetFileName).Where(f => !f!.StartsWith('.')).Order(StringComparer.Ordinal));
        // kept.* were not in the second analysis either: they moved with dropped.*
        var moved = Assert.Single(Directory.GetDirectories(Path.Combine(result.SweepDir, "previous")));
        Assert.Equal(["dropped.arrow", "kept.arrow", "kept_plot.png"],
            Directory.GetFiles(Path.Combine(moved, "analysis")).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        using var catalog = ArtifactCatalog.Open(result.SweepDir);
        Assert.DoesNotContain(catalog.Tables, t => t.Name is "dropped" or "kept");
    }

    /// <summary>A killed analysis leaves its .tmp files (a table or plot being written) in analysis/; one for a step the next
    /// analysis does not have was never written over, and stayed, taking space, for good.</summary>
    [Fact]
    public async Task An_analysis_removes_the_tmp_files_a_killed_one_left_in_analysis()
    {
        var result = await PipelineRunner.RunAsync(Load(Analysis("kept")), dir, SilentProgress.Instance, CancellationToken.None);
        var analysis = Path.Combine(result.SweepDir, "analysis");
        var count = await CountIn(Path.Combine(analysis, "kept.arrow"));
        Assert.True(count > 0);
        foreach (var stale in new[] { "x.arrow.tmp", "kept.arrow.tmp", "x_plot.png.tmp", "outcome.json.tmp" })
            File.WriteAllText(Path.Combine(analysis, stale), "half a file");

        await AnalysisRunner.RunAsync(result.SweepDir, Load(Analysis("kept")).Spec.Analysis);

        Assert.Empty(Directory.GetFiles(analysis, "*.tmp"));
        Assert.Equal(["kept.arrow", "kept_plot.png", AnalysisOutcome.FileName],
            Directory.GetFiles(analysis).Select(Path.GetFileName).Where(f => !f!.StartsWith('.')).Order(StringComparer.Ordinal));
        Assert.Equal(count, await CountIn(Path.Combine(analysis, "kept.arrow")));
        Assert.Equal("completed", AnalysisOutcome.Read(result.SweepDir)!.State);
    }

    /// <summary>The README's promise for a killed writer's .tmp, the way a user meets it: `analyze`, and `run`'s own analysis,
    /// remove the ones in analysis/ and say each in a `note:` on stderr (they did so without a word, while probe and advise said theirs).</summary>
    [Fact]
    public void Analyze_and_runs_analysis_say_each_tmp_they_remove_from_analysis()
    {
        File.WriteAllText(Path.Combine(dir, "t.yaml"), Analysis("kept"));
        var limit = TimeSpan.FromMinutes(3);
        var trained = Host.CliProcess.Run(dir, limit, "run", "t.yaml", "--no-analysis");
        Assert.True(trained.Exit == 0, trained.Out + trained.Err);
        var analysis = Path.Combine(dir, "artifacts", "t", "analysis");
        Directory.CreateDirectory(analysis);
        File.WriteAllText(Path.Combine(analysis, "kept.arrow.tmp"), "half a file");

        var analyze = Host.CliProcess.Run(dir, limit, "analyze", Path.Combine("artifacts", "t"));
        Assert.True(analyze.Exit == 0, analyze.Out + analyze.Err);
        Assert.Contains($"note: removed {Path.Combine("artifacts", "t", "analysis", "kept.arrow.tmp")}, which an analysis killed while writing it left half written", analyze.Err);

        File.WriteAllText(Path.Combine(analysis, "x_plot.png.tmp"), "half a plot");
        var resumed = Host.CliProcess.Run(dir, limit, "run", "t.yaml", "--resume");
        Assert.True(resumed.Exit == 0, resumed.Out + resumed.Err);
        // On stderr as `analyze` says it: `run` once wrote it among its progress lines on stdout.
        Assert.Contains($"note: removed {Path.Combine("artifacts", "t", "analysis", "x_plot.png.tmp")}, which an analysis killed", resumed.Err);
        Assert.DoesNotContain("x_plot.png.tmp", resumed.Out);
        Assert.Empty(Directory.GetFiles(analysis, "*.tmp"));
    }

    /// <summary>The n of a table <see cref="Analysis"/> declares (its one row), read from its file.</summary>
    static async Task<long> CountIn(string arrow)
    {
        using var reader = new Apache.Arrow.Ipc.ArrowFileReader(File.OpenRead(arrow));
        using var batch = (await reader.ReadNextRecordBatchAsync())!;
        return Assert.Single(((Apache.Arrow.Int64Array)batch.Column("n")).Values.ToArray());
    }
}
