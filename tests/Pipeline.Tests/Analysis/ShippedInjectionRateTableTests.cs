using DuckDB.NET.Data;
using Retention.Analysis;
using Retention.Host.Output;
using Retention.Spec;

namespace Retention.Tests.Analysis;

/// <summary>data-injection-preview's injection_rate table prints its counts as whole numbers: averaged over the sweep's runs
/// as doubles, they read "245.0" instances and "3.0" injection steps. A two-seed sweep's runs deliver the same counts
/// (the schedule depends on the steps and tokens per step alone), so their mean is that count.</summary>
public sealed class ShippedInjectionRateTableTests
{
    [Fact]
    public void Injection_counts_print_as_whole_numbers()
    {
        // Two seeds of the cpu profile: 300 batches of 16 × 512 tokens; cmp injected at 245 steps, add at 3 (every 100).
        var rows = Rows("""
            CREATE TABLE batches AS SELECT run, step, 16 AS rows, 512 AS seq_len FROM (VALUES ('seed-0'), ('seed-1')) r(run), range(1, 301) s(step);
            CREATE TABLE tasks AS SELECT run, task, 0.0001::DOUBLE AS frequency, gap FROM (VALUES ('seed-0'), ('seed-1')) r(run), (VALUES ('cmp', 1), ('add', 100)) k(task, gap);
            CREATE TABLE injections AS
                SELECT run, 'cmp' AS task, step FROM (VALUES ('seed-0'), ('seed-1')) r(run), range(1, 246) s(step)
                UNION ALL SELECT run, 'add', 100 * (1 + i % 3) FROM (VALUES ('seed-0'), ('seed-1')) r(run), range(0, 245) s(i)
            """);
        Assert.Equal(["task", "steps", "tokens", "instances", "expected", "delivered_frequency", "injection_steps", "runs"], rows[0]);
        var add = rows.Single(r => r.Length > 0 && r[0] == "add");
        var cmp = rows.Single(r => r.Length > 0 && r[0] == "cmp");
        Assert.Equal(["add", "300", "2457600", "245", "245"], add[..5]);
        Assert.Equal(["3", "2"], add[6..]);
        Assert.Equal(["cmp", "300", "2457600", "245", "245"], cmp[..5]);
        Assert.Equal(["245", "2"], cmp[6..]);
    }

    /// <summary>A sweep of another key than the seed (`--set 'sweep.data.packing.seq_len=[256,512]'`, two seeds at 512): the
    /// runs of each seq_len deliver their own counts, and the table averaged all three runs into one row per task
    /// ((245 + 245 + 122) / 3 = 204 instances, which no run delivered).</summary>
    [Fact]
    public void Runs_of_another_schedule_are_rows_of_their_own()
    {
        // seq_len 512: 2,457,600 tokens, 245 instances of each task; seq_len 256: 1,228,800 tokens, floor(122.88) = 122.
        var rows = Rows("""
            CREATE TABLE runs AS SELECT * FROM (VALUES ('s512-seed-0', 512, 245), ('s512-seed-1', 512, 245), ('s256-seed-0', 256, 122)) r(run, seq_len, n);
            CREATE TABLE batches AS SELECT run, step, 16 AS rows, seq_len FROM runs, range(1, 301) s(step);
            CREATE TABLE tasks AS SELECT run, task, 0.0001::DOUBLE AS frequency, gap FROM runs, (VALUES ('cmp', 1), ('add', 100)) k(task, gap);
            CREATE TABLE injections AS
                SELECT run, 'cmp' AS task, s.step FROM runs, range(1, 301) s(step) WHERE s.step <= n
                UNION ALL SELECT run, 'add', 100 * (1 + i % 3) FROM runs, range(0, 245) s(i) WHERE i < n
            """);
        Assert.Equal(
        [
            ["add", "300", "1228800", "122", "122", "0.0001", "3", "1"],
            ["add", "300", "2457600", "245", "245", "0.0001", "3", "2"],
            ["cmp", "300", "1228800", "122", "122", "0.0001", "122", "1"],
            ["cmp", "300", "2457600", "245", "245", "0.0001", "245", "2"],
        ], rows.Skip(1).Where(r => r.Length > 0 && !r[0].StartsWith('-')).Select(r => r.Length > 5 ? [.. r[..5], Rounded(r[5]), .. r[6..]] : r).ToList());
    }

    /// <summary>A run of 250 steps, not a multiple of add's gap of 100 nor add7's of 7: a gapped task gets nothing in the steps
    /// after its last injection, so the schedule's count is f · T · G · floor(S / G), not f · T · S, and `expected` said
    /// floor(1e-4 · 2,048,000) = 204 for every task (the frequency written into the SQL, the gap ignored).</summary>
    [Fact]
    public void Expected_is_the_count_the_schedule_delivers_in_the_steps_the_run_made()
    {
        // T = 16 × 512 = 8,192 tokens a step; by hand: cmp (f 1e-4, G 1) floor(0.8192 · 250) = floor(204.8) = 204;
        // add (f 1e-4, G 100) injects at 100 and 200: floor(0.8192 · 200) = floor(163.84) = 163;
        // add7 (f 2e-4, G 7) injects at 7, 14, ..., 245 (35 steps): floor(1.6384 · 245) = floor(401.408) = 401.
        // The injections follow the schedule's rule (after an injection step s the count is floor(f · T · s)).
        var rows = Rows("""
            CREATE TABLE tasks AS SELECT 'run-0' AS run, * FROM (VALUES ('cmp', 0.0001::DOUBLE, 1, 1), ('add', 0.0001, 100, 1), ('add7', 0.0002, 7, 2)) k(task, frequency, gap, per);
            CREATE TABLE batches AS SELECT 'run-0' AS run, step, 16 AS rows, 512 AS seq_len FROM range(1, 251) s(step);
            CREATE TABLE injections AS
                SELECT run, task, step FROM tasks, range(gap, 251, gap) s(step),
                    range((per * 8192 * step) // 10000 - (per * 8192 * (step - gap)) // 10000) i(n)
            """);
        Assert.Equal(
        [
            ["add", "250", "2048000", "163", "163", "2", "1"],
            ["add7", "250", "2048000", "401", "401", "35", "1"],
            ["cmp", "250", "2048000", "204", "204", "204", "1"],
        ], rows.Skip(1).Where(r => r.Length > 0 && !r[0].StartsWith('-')).Select(r => r.Length > 5 ? [.. r[..5], .. r[6..]] : r).ToList());
    }

    /// <summary>A run of 50 steps with a task every 100 steps delivers none of it: the table had no row for that task (its rows
    /// came from injections), so a shortfall to nothing did not show; it is a row of zeros now, expected 0 as well.</summary>
    [Fact]
    public void A_task_the_run_never_injected_is_a_row_of_zeros()
    {
        // cmp (G 1): floor(0.8192 · 50) = 40 instances, one at each of 40 steps; add (G 100): floor(50 / 100) = 0 injection steps.
        var rows = Rows("""
            CREATE TABLE tasks AS SELECT 'run-0' AS run, * FROM (VALUES ('cmp', 0.0001::DOUBLE, 1), ('add', 0.0001, 100)) k(task, frequency, gap);
            CREATE TABLE batches AS SELECT 'run-0' AS run, step, 16 AS rows, 512 AS seq_len FROM range(1, 51) s(step);
            CREATE TABLE injections AS SELECT 'run-0' AS run, 'cmp' AS task, step FROM range(1, 51) s(step) WHERE (8192 * step) // 10000 > (8192 * (step - 1)) // 10000
            """);
        Assert.Equal(
        [
            ["add", "50", "409600", "0", "0", "0", "0", "1"],
            ["cmp", "50", "409600", "40", "40", Rounded((40 / 409600.0).ToString(System.Globalization.CultureInfo.InvariantCulture)), "40", "1"],
        ], rows.Skip(1).Where(r => r.Length > 0 && !r[0].StartsWith('-')).Select(r => r.Length > 5 ? [.. r[..5], Rounded(r[5]), .. r[6..]] : r).ToList());
    }

    /// <summary>The delivered frequency to 4 decimals (122 / 1,228,800 and 245 / 2,457,600 are both just under 1e-4).</summary>
    static string Rounded(string frequency) =>
        Math.Round(double.Parse(frequency, System.Globalization.CultureInfo.InvariantCulture), 4).ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The shipped table's rows over the tables <paramref name="setup"/> makes, as printed (words per line).</summary>
    static List<string[]> Rows(string setup)
    {
        var table = SpecLoader.Load(Pipeline.RepoFiles.Pipeline("data-injection-preview.yaml"), "cpu").Spec.Analysis.Tables.Single(t => t.Name == "injection_rate");
        using var connection = new DuckDBConnection("DataSource=:memory:");
        connection.Open();
        SqlRunner.Execute(connection, setup);
        var result = SqlRunner.Query(connection, table.Sql);
        var output = new StringWriter();
        TablePrinter.WritePlain(result, output);
        return [.. output.ToString().Split('\n').Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))];
    }
}
