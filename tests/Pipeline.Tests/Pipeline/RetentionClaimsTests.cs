using Retention.Analysis;
using Retention.Artifacts;
using Retention.Pipeline;
using Retention.Spec;
using Xunit.Abstractions;

namespace Retention.Tests.Pipeline;

/// <summary>
/// The paper's Fig 3 and Fig 4 claims, checked end to end through the shipped pipeline files
/// (their SQL included) on a small mixture: K = 4 tasks × d = 4 dims plus a rank-one rare task
/// with pi_r = 0.05, for which the theory gives N_crit = 12 (11 frequent utilities exceed
/// pi_r·lambda_r = 0.05, see CriticalWidthTests for the arithmetic on a smaller case).
/// </summary>
public class RetentionClaimsTests(ITestOutputHelper output) : InTempFolder("claims-")
{
    static readonly string[] Small =
    [
        "synthetic.tasks=4", "synthetic.dims_per_task=4", "synthetic.rare.frequency=0.05", "train.steps=2000",
    ];

    async Task<Dictionary<int, IReadOnlyList<object?>>> RunAndRead(string file, string table, string[] sets)
    {
        var pipeline = SpecLoader.Load(RepoFiles.Pipeline(file), "cpu", [.. Small, .. sets]);
        var result = await PipelineRunner.RunAsync(pipeline, dir, SilentProgress.Instance, CancellationToken.None);
        var rows = result.Tables.Single(t => t.Name == table).Result;
        foreach (var row in rows.Rows) output.WriteLine(string.Join("  ", row));
        return rows.Rows.ToDictionary(r => Convert.ToInt32(r[rows.ColumnIndex("width")]), r => r);
    }

    [Fact]
    public async Task BelowNCritTheRareSignalDecaysBetweenInjectionsAboveItAccumulates()
    {
        var rows = await RunAndRead("synthetic-retention.yaml", "retention", ["sweep={synthetic.width: [4, 8, 14, 18], synthetic.rare.gap: [20]}"]);
        double Get(int width, string column) => Convert.ToDouble(rows[width][Columns.IndexOf(column)]);
        foreach (var below in new[] { 4, 8 })
        {
            Assert.Equal(12, Convert.ToInt32(rows[below][Columns.IndexOf("n_crit")]));
            Assert.True(Get(below, "peak_last") < 0.05, $"width {below}: rare signal still {Get(below, "peak_last")} after the last injection");
            Assert.True(Get(below, "retention") < 0.9, $"width {below}: retention {Get(below, "retention")}");
        }
        foreach (var above in new[] { 14, 18 })
        {
            Assert.True(Get(above, "peak_last") > 0.9, $"width {above}: rare signal only {Get(above, "peak_last")}");
            Assert.True(Get(above, "peak_last") > Get(above, "peak_first"), $"width {above}: no accumulation");
            Assert.True(Get(above, "retention") > 0.95, $"width {above}: retention {Get(above, "retention")}");
        }
    }

    static readonly List<string> Columns =
        ["width", "gap", "n_crit", "above_crit", "injections", "mean_peak", "mean_before_next", "retention", "peak_first", "peak_last"];

    [Fact]
    public async Task TheRareSignalRisesOnlyPastNCritAndTheBoundHoldsAtEveryLoggedStep()
    {
        var pipeline = SpecLoader.Load(RepoFiles.Pipeline("synthetic-residual.yaml"), "cpu",
            [.. Small, "sweep={synthetic.width: [6, 10, 14, 18]}"]);
        var result = await PipelineRunner.RunAsync(pipeline, dir, SilentProgress.Instance, CancellationToken.None);
        var final = result.Tables.Single(t => t.Name == "final_state").Result;
        double At(int row, string column) => Convert.ToDouble(final.Rows[row][final.ColumnIndex(column)]);
        // One row per width of the sweep (checked first: the loop below would pass on no rows).
        Assert.Equal([6.0, 10, 14, 18], Enumerable.Range(0, final.Rows.Count).Select(i => At(i, "width")));
        for (int i = 0; i < final.Rows.Count; i++)
        {
            output.WriteLine(string.Join("  ", final.Rows[i]));
            bool above = At(i, "width") >= At(i, "n_crit");
            Assert.True(above ? At(i, "rare_signal") > 0.9 : At(i, "rare_signal") < 0.05, $"width {At(i, "width")}: rare signal {At(i, "rare_signal")}");
            // The residual crosses its predicted threshold where the rare signal appears.
            Assert.Equal(above, At(i, "residual_f") < At(i, "residual_threshold"));
        }
        var bound = result.Tables.Single(t => t.Name == "bound_check").Result.Rows.Single();
        Assert.Equal(4L * 4, Convert.ToInt64(bound[0]));            // 4 widths × (2000 / log_every 500) logs
        Assert.Equal(0L, Convert.ToInt64(bound[1]));
    }

    [Fact]
    public async Task InjectionEventsAreRecordedExactly()
    {
        var pipeline = SpecLoader.Load(RepoFiles.Pipeline("synthetic-retention.yaml"), "cpu",
            [.. Small, "train.steps=200", "sweep={synthetic.width: [4], synthetic.rare.gap: [20]}"]);
        var result = await PipelineRunner.RunAsync(pipeline, dir, SilentProgress.Instance, CancellationToken.None);
        using var catalog = ArtifactCatalog.Open(result.SweepDir);
        var rows = SqlRunner.Query(catalog.Connection,
            "SELECT step, rare_rows, cumulative_rare, cumulative_rows FROM injections ORDER BY step").Rows;
        Assert.Equal(Enumerable.Range(1, 10).Select(i => 20L * i), rows.Select(r => Convert.ToInt64(r[0])));
        // rho·B·s = (0.05/0.95)·256·s; cumulative rare after step s is its floor, rows = 256·s + that.
        foreach (var r in rows)
        {
            long s = Convert.ToInt64(r[0]), expected = (long)Math.Floor(0.05 / 0.95 * 256 * s + 1e-9);
            Assert.Equal(expected, Convert.ToInt64(r[2]));
            Assert.Equal(256 * s + expected, Convert.ToInt64(r[3]));
        }
        Assert.Equal(Convert.ToInt64(rows[^1][2]), rows.Sum(r => Convert.ToInt64(r[1])));
        var phases = SqlRunner.Query(catalog.Connection,
            "SELECT step FROM metrics WHERE task = 0 AND phase = 'after' ORDER BY step").Rows.Select(r => Convert.ToInt64(r[0]));
        Assert.Equal(Enumerable.Range(1, 10).Select(i => 20L * i), phases);
    }
}
