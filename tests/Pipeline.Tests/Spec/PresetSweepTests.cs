using static Retention.Tests.Spec.SpecSamples;

namespace Retention.Tests.Spec;

/// <summary>olmo.preset swept beside a full shape override (layers, hidden, mlp_dim, heads): every preset trained the same
/// model, the "20M" run as small as the "4M" one, without a word. It is a warning (validate, run and submit print it).</summary>
public class PresetSweepTests
{
    static string Pipeline(string olmo) => Yaml(
        "name: o",
        "experiment: olmo",
        "data:",
        "  sources: [{paths: ['https://example.org/a.json.gz']}]",
        "  packing: {seq_len: 16, batch_size: 2}",
        $"olmo: {olmo}",
        "train: {steps: 10}",
        "sweep: {olmo.preset: [4M, 20M], seed: [0, 1]}");

    static IReadOnlyList<string> Warnings(string yaml) =>
        [.. Retention.Spec.SpecLoader.LoadText(yaml, "p.yaml", checkAnalysis: false).AnalysisWarnings.Select(w => w.Message)];

    [Fact]
    public void Presets_whose_shape_the_overrides_replace_are_said_to_train_the_same_model()
    {
        var warning = Assert.Single(Warnings(Pipeline("{layers: 2, hidden: 16, mlp_dim: 32, heads: 2}")));
        Assert.Equal("the sweep's olmo.preset values 4M and 20M train the same shape (2 layers, hidden 16, mlp_dim 32, 2 heads): " +
            "olmo.layers, hidden, mlp_dim and heads replace each preset's; set them to 0 to train the presets' own sizes, " +
            "or sweep one of them instead", warning);
    }

    [Theory]
    [InlineData("{hidden: 16, heads: 2}")]   // the presets' layers and mlp_dim still differ
    [InlineData("{}")]
    public void Presets_that_train_different_shapes_have_no_warning(string olmo) => Assert.Empty(Warnings(Pipeline(olmo)));
}
