using DuckDB.NET.Data;
using Retention.Analysis;
using Retention.Host.Output;
using Retention.Spec;

namespace Retention.Tests.Analysis;

/// <summary>data-injection-preview's injection_rate table prints its counts as whole numbers: averaged over the sweep's runs
/// as doubles, they read "245.0" instances and "3.0" injection steps. A two-seed sweep's runs deliver the same counts
/// (the schedule depends on the tokens per step alone), so their mean is that count.</summary>
public sealed class ShippedInjectionRateTableTests
{
    [Fact]
    public void Injection_counts_print_as_whole_numbers()
    {
        var table = SpecLoader.Load(Pipeline.RepoFiles.Pipeline("data-injection-preview.yaml"), "cpu").Spec.Analysis.Tables.Single(t => t.Name == "injection_rate");
        using var connection = new DuckDBConnection("DataSource=:memory:");
        connection.Open();
        // Two seeds of the cpu profile: 300 batches of 16 × 512 tokens; cmp injected at 245 steps, add at 3 (every 100).
        SqlRunner.Execute(connection, """
            CREATE TABLE batches AS SELECT run, step, 16 AS rows, 512 AS seq_len FROM (VALUES ('seed-0'), ('seed-1')) r(run), range(1, 301) s(step);
            CREATE TABLE injections AS
                SELECT run, 'cmp' AS task, step FROM (VALUES ('seed-0'), ('seed-1')) r(run), range(1, 246) s(step)
                UNION ALL SELECT run, 'add', 100 * (1 + i % 3) FROM (VALUES ('seed-0'), ('seed-1')) r(run), range(0, 245) s(i)
            """);
        var result = SqlRunner.Query(connection, table.Sql);
        var output = new StringWriter();
        TablePrinter.WritePlain(result, output);
        var rows = output.ToString().Split('\n').Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToList();
        Assert.Equal(["task", "instances", "tokens", "expected", "delivered_frequency", "injection_steps", "runs"], rows[0]);
        var add = rows.Single(r => r.Length > 0 && r[0] == "add");
        var cmp = rows.Single(r => r.Length > 0 && r[0] == "cmp");
        Assert.Equal(["add", "245", "2457600", "245"], add[..4]);
        Assert.Equal(["3", "2"], add[5..]);
        Assert.Equal(["cmp", "245", "2457600", "245"], cmp[..4]);
        Assert.Equal(["245", "2"], cmp[5..]);
    }
}
