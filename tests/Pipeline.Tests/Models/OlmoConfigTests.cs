using Retention.Models;

namespace Retention.Tests.Models;

public class OlmoConfigTests
{
    [Theory]
    [InlineData("4M", 6_963_200L)]
    [InlineData("20M", 28_753_920L)]
    [InlineData("300M", 371_458_048L)]
    [InlineData("1B", 1_279_787_008L)]
    [InlineData("4B", 4_707_057_664L)]
    public void PresetParameterCountsMatchThePaperTable(string name, long expected) =>
        Assert.Equal(expected, OlmoConfig.Preset(name).ParameterCount());

    [Fact]
    public void PresetsCarryTheTableShapes()
    {
        var c = OlmoConfig.Preset("1B");
        Assert.Equal((16, 2048, 16384, 16, 50304), (c.Layers, c.Hidden, c.MlpDim, c.Heads, c.VocabSize));
        Assert.Equal(8192, c.MlpHidden);
        Assert.Equal(128, c.HeadDim);
        Assert.Equal(10_000, c.RopeTheta);
        Assert.Equal(0.02, c.InitStd);
        Assert.Equal(1000, OlmoConfig.Preset("4M", vocab: 1000).VocabSize);
        Assert.Throws<ArgumentException>(() => OlmoConfig.Preset("7B"));
        Assert.All(OlmoConfig.PresetNames, n => OlmoConfig.Preset(n).Validated());
    }
}
