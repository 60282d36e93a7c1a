using Retention.Spec;

namespace Retention.Tests.Advice;

/// <summary>analysis.advise's settings for trained runs are refused in a synthetic pipeline, whose advice is exact.</summary>
public class AdviseValidationTests
{
    static string Synthetic(string advise) => $$$"""
        name: syn
        synthetic: {tasks: 2, dims_per_task: 2, rare: {frequency: 0.05}}
        sweep: {synthetic.width: [1, 2]}
        analysis:
          advise: {{{advise}}}
        """;

    [Theory]
    [InlineData("{target_accuracy: 0.9}", "analysis.advise.target_accuracy")]
    [InlineData("{size: 1000, frequency: 0.001}", "analysis.advise.size")]
    [InlineData("{kind: modular_addition}", "analysis.advise.kind")]
    public void A_synthetic_pipeline_refuses_the_settings_for_trained_runs(string advise, string path)
    {
        var e = Assert.Throws<SpecException>(() => SpecLoader.LoadText(Synthetic(advise), "syn.yaml", checkAnalysis: false));
        var error = Assert.Single(e.Errors, x => x.Path == path);
        Assert.Contains("OLMo sweeps", error.Message);
        Assert.Equal(5, error.Line);                                            // where it is written
    }

    [Fact]
    public void A_synthetic_pipeline_takes_advise_without_settings_or_at_their_defaults()
    {
        Assert.NotNull(SpecLoader.LoadText(Synthetic("{}"), "syn.yaml", checkAnalysis: false).Spec.Analysis.Advise);
        // A resolved pipeline.yaml writes every field out, defaults included; `pipeline analyze` loads it back.
        Assert.NotNull(SpecLoader.LoadText(Synthetic("{target_accuracy: 0.8, size: 0, frequency: 0, kind: comparison}"), "syn.yaml",
            checkAnalysis: false).Spec.Analysis.Advise);
    }
}
