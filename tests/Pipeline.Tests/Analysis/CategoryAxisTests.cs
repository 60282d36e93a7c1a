using Retention.Analysis.Plots;

namespace Retention.Tests.Analysis;

public class CategoryAxisTests
{
    [Fact]
    public void Numeric_categories_sort_numerically_across_integer_types()
    {
        var axis = CategoryAxis.From([32, 8L, null, 16, 8]);

        Assert.Equal(3, axis.Count);
        Assert.Equal(["8", "16", "32"], Enumerable.Range(0, axis.Count).Select(axis.Label));
        Assert.Equal(1, axis.IndexOf(16L));
        Assert.Equal(-1, axis.IndexOf(24));
        Assert.Equal(-1, axis.IndexOf(null));
    }

    [Theory]
    [InlineData(16, false, 1.0)]   // on a category: its own index (the cell centre)
    [InlineData(24, false, 1.5)]   // halfway between 16 and 32
    [InlineData(12, false, 0.5)]
    [InlineData(64, false, 4.0)]   // beyond the last: the last segment extended (clipped by the plot)
    [InlineData(22.627416997969522, true, 1.5)] // sqrt(16 * 32): halfway in log space
    public void Overlay_values_map_to_heatmap_index_space(double value, bool log, double expected)
    {
        var axis = CategoryAxis.From([8, 16, 32]);

        Assert.Equal(expected, axis.Position(value, log), precision: 9);
    }

    [Fact]
    public void Text_categories_keep_the_query_order_and_unknown_labels_cannot_be_placed()
    {
        var axis = CategoryAxis.From(["cmp_1e-4", "cmp_3e-5", null, "cmp_1e-5", "cmp_3e-5"]);

        Assert.False(axis.IsNumeric);
        Assert.Equal(["cmp_1e-4", "cmp_3e-5", "cmp_1e-5"], Enumerable.Range(0, axis.Count).Select(axis.Label));
        Assert.Equal(2.0, axis.Position("cmp_1e-5", log: false));
        Assert.True(double.IsNaN(axis.Position("z", log: false)));
    }

    [Fact]
    public void Ticks_are_thinned_to_the_maximum()
    {
        var axis = CategoryAxis.From(Enumerable.Range(1, 32).Cast<object?>());

        var (positions, labels) = axis.Ticks(maxTicks: 8);

        Assert.Equal([0.0, 4, 8, 12, 16, 20, 24, 28], positions);
        Assert.Equal("1", labels[0]);
        Assert.Equal("29", labels[^1]);
    }
}
