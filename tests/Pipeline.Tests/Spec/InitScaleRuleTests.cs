using Retention.Spec;
using static Retention.Tests.Spec.SpecSamples;

namespace Retention.Tests.Spec;

/// <summary>train.init_scale: 0 starts a synthetic student at all-zero weights, where every gradient is zero and training
/// never moves it (a 20-step run logged loss 1.5 at every step); it is refused at its position in a new file. A sweep's
/// stored pipeline.yaml, written by a version that accepted 0, still loads.</summary>
public class InitScaleRuleTests
{
    [Fact]
    public void Zero_is_refused_at_its_line()
    {
        var error = Assert.Single(Errors("name: a\ntrain: {steps: 20, init_scale: 0}\n"));
        Assert.Equal((2, 32, "train.init_scale"), (error.Line, error.Column, error.Path));
        Assert.StartsWith("must be > 0: with all initial weights 0 every gradient is 0 and the model never trains", error.Message);
    }

    [Fact]
    public void A_small_positive_scale_and_negative_ones_keep_their_rules()
    {
        Assert.Equal(1e-6, Load("name: a\ntrain: {init_scale: 1e-6}\n").Spec.Train.InitScale);
        Assert.Equal("must be a finite number >= 0, got -0.1", Assert.Single(Errors("name: a\ntrain: {init_scale: -0.1}\n")).Message);
    }

    [Fact]
    public void A_stored_file_with_zero_still_loads()
    {
        var stored = SpecLoader.LoadText("name: a\ntrain: {steps: 20, init_scale: 0}\n", "pipeline.yaml", checkAnalysis: false, stored: true);
        Assert.Equal(0, stored.Spec.Train.InitScale);
    }
}
