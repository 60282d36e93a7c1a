using System.Globalization;
using Retention.Analysis;
using Retention.Artifacts;
using Retention.Spec;

namespace Retention.Tests.Analysis;

/// <summary>The shipped OLMo analyses order model sizes by their parameter count: ordered by the preset's text, "20M"
/// came before "4M" (olmo-order-and-gap's tables and curves, olmo-compute's and olmo-task-vs-lm's too), and a sweep of
/// widths of one preset could not be told apart. Read from the tables and plot queries an analysis of a sweep of two sizes
/// gives, the larger one's preset sorting first as text.</summary>
public sealed class ShippedSizeOrderTests() : InTempFolder("size-order-")
{
    static readonly (string Preset, long Parameters)[] Sizes = [("20M", 9_800_000), ("4M", 640_000)];

    public static TheoryData<string> SizeSweeps() =>
        ["olmo-order-and-gap.yaml", "olmo-compute.yaml", "olmo-task-vs-lm.yaml", "olmo-frequency-phase.yaml", "olmo-injection-retention.yaml"];

    [Theory]
    [MemberData(nameof(SizeSweeps))]
    public async Task Every_table_and_plot_gives_the_smaller_size_first(string file)
    {
        var spec = SpecLoader.Load(Pipeline.RepoFiles.Pipeline(file), "cpu").Spec;
        await OlmoSizesSweep.Write(dir, spec, Sizes);
        var tables = await AnalysisRunner.RunAsync(dir, spec.Analysis);

        var outputs = tables.Select(t => (t.Name, t.Result)).ToList();
        // A series plot's colours and legend follow its rows' order; a heatmap sorts a numeric axis itself.
        using (var catalog = ArtifactCatalog.Open(dir))
            outputs.AddRange(spec.Analysis.Plots.Where(p => p.Series is not null)
                .Select(p => ($"plot {p.Name}", SqlRunner.Query(catalog.Connection, p.Sql))));
        var checkedOutputs = 0;
        foreach (var (name, result) in outputs)
        {
            var order = SizesInOrder(result);
            if (order.Count == 0) continue;   // a table with no size in it
            Assert.True(order.SequenceEqual([640_000L, 9_800_000L]), $"{file}: {name} gives the sizes in the order {string.Join(", ", order)}");
            checkedOutputs++;
        }
        Assert.True(checkedOutputs > 0, $"{file}: no output names a size");
    }

    [Fact]
    public async Task Order_and_gap_s_curves_table_has_the_parameter_count()
    {
        var spec = SpecLoader.Load(Pipeline.RepoFiles.Pipeline("olmo-order-and-gap.yaml"), "cpu").Spec;
        await OlmoSizesSweep.Write(dir, spec, Sizes);
        var curves = (await AnalysisRunner.RunAsync(dir, spec.Analysis)).Single(t => t.Name == "curves").Result;
        var parameters = curves.Column("parameters").Select(Convert.ToInt64).Distinct().Order();
        Assert.Equal([640_000L, 9_800_000L], parameters);
    }

    /// <summary>The sizes in the order the rows first name them: by a parameters column, else a preset column, else a
    /// curve label that names the preset ("4M cmp_1e-2") or the count ("cmp_1e-2 · 640,000 parameters").</summary>
    static List<long> SizesInOrder(QueryResult result)
    {
        long? Of(object? value) => value switch
        {
            null => null,
            long or int => Convert.ToInt64(value),
            string s => Sizes.Where(z => s == z.Preset || s.StartsWith(z.Preset + " ", StringComparison.Ordinal)
                    || s.Contains(z.Parameters.ToString("N0", CultureInfo.InvariantCulture), StringComparison.Ordinal)).Select(z => (long?)z.Parameters).FirstOrDefault(),
            _ => null,
        };
        var column = new[] { "parameters", "preset", "curve" }.FirstOrDefault(c => result.ColumnNames.Contains(c));
        return column is null ? [] : [.. result.Column(column).Select(Of).OfType<long>().Distinct()];
    }
}
