using Retention.Analysis.Plots;

namespace Retention.Tests.Analysis;

/// <summary>Log-axis ticks and series styles, computed by hand.</summary>
public class PlotStyleTests
{
    [Theory]
    [InlineData(0.0, 3.0, new[] { 1.0, 10, 100, 1000 })]                 // three decades: the decades
    [InlineData(-3.0, -1.0, new[] { 0.001, 0.01, 0.1 })]
    [InlineData(0.0, 1.0, new[] { 1.0, 2, 5, 10 })]                      // one decade: 1-2-5
    [InlineData(0.30103, 0.90309, new[] { 2.0, 3, 4, 5, 6, 7, 8 })]      // 2..8, under a decade: every integer
    public void A_log_axis_gets_at_least_three_ticks_from_the_sparsest_set_that_has_them(double minLog, double maxLog, double[] expected)
    {
        var ticks = AxisTicks.LogTickValues(minLog, maxLog);
        Assert.Equal(expected.Length, ticks.Count);
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], ticks[i], 1e-9 * expected[i]);
    }

    [Fact]
    public void A_range_narrower_than_the_integers_still_gets_several_ticks()
    {
        var ticks = AxisTicks.LogTickValues(Math.Log10(2.0), Math.Log10(2.5));
        Assert.True(ticks.Count >= 3, string.Join(", ", ticks));
        Assert.All(ticks, t => Assert.InRange(t, 1.99, 2.51));
    }

    [Fact]
    public void Many_decades_are_thinned_to_ten_ticks_at_most()
    {
        var ticks = AxisTicks.LogTickValues(-10, 12);
        Assert.InRange(ticks.Count, 3, 10);
        Assert.Equal(1e-10, ticks[0], 1e-20);
    }

    [Theory]
    [InlineData("width-8_seed-1", "width-8", 1)]
    [InlineData("seed-2_width-8", "_width-8", 2)]
    [InlineData("preset-4M_hidden-16_seed-0", "preset-4M_hidden-16", 0)]
    [InlineData("4M", "4M", 0)]
    [InlineData("reseed-3", "reseed-3", 0)]   // "seed" inside another word is not a seed
    public void Seeds_of_one_configuration_share_a_colour_and_differ_in_pattern(string label, string colourKey, int seed)
    {
        Assert.Equal(colourKey, SeriesStyle.ColourKey(label));
        Assert.Equal(seed, SeriesStyle.SeedOf(label));
    }
}
