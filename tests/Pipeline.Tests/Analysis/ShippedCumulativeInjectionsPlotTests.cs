using DuckDB.NET.Data;
using Retention.Analysis;
using Retention.Spec;

namespace Retention.Tests.Analysis;

/// <summary>data-injection-preview's cumulative_injections plot draws each run's count of a task's instances so far, the
/// mean over the runs of one schedule (seeds). It divided every step's instances by the count of all the sweep's runs and
/// kept one series per task, so a sweep of data.packing.seq_len (or batch_size, train.steps) drew curves no run delivered:
/// seq_len 256 and 512 ended at (122 + 245) / 2 instances of each task.</summary>
public sealed class ShippedCumulativeInjectionsPlotTests
{
    /// <summary>Injections as the data stage makes them (16 rows of <c>seq_len</c> tokens per step, f = 1e-4): after step s the
    /// continuous cmp has floor(f · tokens so far) instances, add (gap 100) gets them every 100 steps.</summary>
    const string Injections = """
        CREATE TABLE batches AS SELECT run, step, 16 AS rows, seq_len FROM runs, range(1, steps + 1) s(step);
        CREATE TABLE injections AS
            SELECT run, 'cmp' AS task, step FROM runs, range(1, steps + 1) s(step),
                range((16 * seq_len * step) // 10000 - (16 * seq_len * (step - 1)) // 10000) i(k)
            UNION ALL
            SELECT run, 'add', step FROM runs, range(100, steps + 1, 100) s(step),
                range((16 * seq_len * step) // 10000 - (16 * seq_len * (step - 100)) // 10000) i(k)
        """;

    [Fact]
    public void A_seq_len_sweep_draws_each_schedules_own_counts()
    {
        // seq_len 512: 8,192 tokens per step; 256: 4,096. Hand-computed floor(1e-4 · 16 · seq_len · step):
        // 512 → step 100: 81.92, 200: 163.84, 300: 245.76; 256 → 40.96, 81.92, 122.88. cmp's first instance comes at
        // step 2 (1.6384) and step 3 (1.2288).
        var points = Points("CREATE TABLE runs AS SELECT * FROM (VALUES ('seq_len-256', 256, 300), ('seq_len-512', 512, 300)) r(run, seq_len, steps)");
        // Each run's own final count, whatever the series are called; (122 + 245) / 2 = 183.5 was no run's.
        Assert.Equal([122.0, 245.0], points.Where(p => p.Series.StartsWith("cmp")).GroupBy(p => p.Series)
            .Select(g => g.MaxBy(p => p.Step).Instances).Order());
        Assert.Equal(["add, 4096 tokens/step", "add, 8192 tokens/step", "cmp, 4096 tokens/step", "cmp, 8192 tokens/step"],
            points.Select(p => p.Series).Distinct());
        Assert.Equal([(100L, 40.0), (200L, 81.0), (300L, 122.0)], Series(points, "add, 4096 tokens/step"));
        Assert.Equal([(100L, 81.0), (200L, 163.0), (300L, 245.0)], Series(points, "add, 8192 tokens/step"));
        Assert.Equal((3L, 1.0), Series(points, "cmp, 4096 tokens/step")[0]);
        Assert.Equal((2L, 1.0), Series(points, "cmp, 8192 tokens/step")[0]);
        foreach (var (series, step, expected) in new[]
        {
            ("cmp, 4096 tokens/step", 100L, 40.0), ("cmp, 4096 tokens/step", 300L, 122.0),
            ("cmp, 8192 tokens/step", 100L, 81.0), ("cmp, 8192 tokens/step", 300L, 245.0),
        })
            Assert.Equal(expected, At(points, series, step));
    }

    [Fact]
    public void Seeds_of_one_schedule_are_averaged_and_a_shorter_run_does_not_lower_the_curve()
    {
        // Two seeds of 300 steps and one of 100 (a train.steps sweep), all at seq_len 512: one schedule, whose count after step
        // 300 is each 300-step run's 245, not (2 · 245 + 81) / 3 nor the seeds' sum.
        var points = Points("""
            CREATE TABLE runs AS SELECT * FROM (VALUES ('steps-300_seed-0', 512, 300), ('steps-300_seed-1', 512, 300),
                ('steps-100_seed-0', 512, 100)) r(run, seq_len, steps)
            """);
        Assert.Equal(["add, 8192 tokens/step", "cmp, 8192 tokens/step"], points.Select(p => p.Series).Distinct());
        Assert.Equal([(100L, 81.0), (200L, 163.0), (300L, 245.0)], Series(points, "add, 8192 tokens/step"));
        var cmp = Series(points, "cmp, 8192 tokens/step");
        Assert.Equal(81.0, At(points, "cmp, 8192 tokens/step", 100));
        Assert.Equal((101L, 82.0), cmp.Single(p => p.Step == 101));   // floor(82.7392): one 300-step run's own count
        Assert.Equal((300L, 245.0), cmp[^1]);
    }

    /// <summary>The curve's height at <paramref name="step"/>: its last point up to there (points fall on injection steps only;
    /// cmp's count stays 81 from step 99 to 100 at 8,192 tokens per step).</summary>
    static double At(List<(string Series, long Step, double Instances)> points, string series, long step) =>
        Series(points, series).Last(p => p.Step <= step).Instances;

    static List<(long Step, double Instances)> Series(List<(string Series, long Step, double Instances)> points, string series) =>
        [.. points.Where(p => p.Series == series).Select(p => (p.Step, p.Instances))];

    /// <summary>The shipped plot's points over the runs <paramref name="runs"/> makes, in its series column.</summary>
    static List<(string Series, long Step, double Instances)> Points(string runs)
    {
        var plot = SpecLoader.Load(Pipeline.RepoFiles.Pipeline("data-injection-preview.yaml"), "cpu").Spec.Analysis.Plots
            .Single(p => p.Name == "cumulative_injections");
        using var connection = new DuckDBConnection("DataSource=:memory:");
        connection.Open();
        SqlRunner.Execute(connection, runs + ";\n" + Injections);
        var result = SqlRunner.Query(connection, plot.Sql);
        var (series, x, y) = (result.Column(plot.Series!), result.Column(plot.X), result.Column(plot.Y!));
        return [.. Enumerable.Range(0, result.Rows.Count)
            .Select(i => ((string)series[i]!, Convert.ToInt64(x[i]), Convert.ToDouble(y[i])))];
    }
}
