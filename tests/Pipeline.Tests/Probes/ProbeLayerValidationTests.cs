using Retention.Spec;

namespace Retention.Tests.Probes;

/// <summary>A probe's layer past the model's depth is refused, naming the depth: a one-layer model's said "1 layers".</summary>
public class ProbeLayerValidationTests
{
    static SpecError Refused(string olmo, string probes) => Assert.Single(Assert.Throws<SpecException>(() =>
        SpecLoader.LoadText(ProbeInstancesValidationTests.Olmo(probes, olmo: olmo), "o.yaml", checkAnalysis: false)).Errors);

    [Fact]
    public void A_layer_past_a_one_layer_model_names_one_layer()
    {
        var e = Refused("{preset: 4M, layers: 1, hidden: 32, mlp_dim: 64, heads: 4}", "{das: {layer: 2}}");
        Assert.Equal("probes.das.layer", e.Path);
        Assert.Equal("must be between 0 (the embeddings) and the model's 1 layer, got 2", e.Message);
    }

    [Fact]
    public void A_layer_past_a_deeper_model_names_its_layers()
    {
        var e = Refused("{preset: 4M, layers: 2, hidden: 32, mlp_dim: 64, heads: 4}", "{das: {layer: 3}}");
        Assert.Equal("must be between 0 (the embeddings) and the model's 2 layers, got 3", e.Message);
    }
}
