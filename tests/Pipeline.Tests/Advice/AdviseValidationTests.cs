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

    static string Olmo(string tasks, string advise) => $$$"""
        name: o
        experiment: olmo
        train: {steps: 10}
        data:
          sources: [{paths: ['http://example.org/s.json.gz']}]
          packing: {seq_len: 64, batch_size: 4}
          tasks: {{{tasks}}}
        olmo: {preset: 4M}
        analysis:
          advise: {{{advise}}}
        """;

    [Fact]
    public void An_olmo_sweep_that_injects_no_task_of_the_advised_kind_is_refused_before_it_trains()
    {
        // Before: it validated, trained, and only its analysis failed (hours on a GPU for an advice it could not give).
        var none = Assert.Single(Assert.Throws<SpecException>(() => SpecLoader.LoadText(Olmo("[]", "{}"), "o.yaml", checkAnalysis: false)).Errors);
        Assert.Equal(("analysis.advise", 10), (none.Path, none.Line));
        Assert.StartsWith("advice from trained runs reads the test accuracy of an injected task, and no run injects one", none.Message);

        const string comparisons = "[{kind: comparison, name: a, frequency: 0.01}, {kind: comparison, name: b, frequency: 0.001}]";
        var kind = Assert.Single(Assert.Throws<SpecException>(() =>
            SpecLoader.LoadText(Olmo(comparisons, "{kind: modular_addition, size: 13386112, frequency: 0.001}"), "o.yaml", checkAnalysis: false)).Errors);
        Assert.Equal(("analysis.advise.kind", 10), (kind.Path, kind.Line));
        Assert.StartsWith("advice on modular_addition tasks, and no run injects one (its runs inject comparison)", kind.Message);

        Assert.NotNull(SpecLoader.LoadText(Olmo(comparisons, "{}"), "o.yaml", checkAnalysis: false).Spec.Analysis.Advise);
        // A sweep's saved pipeline.yaml loads as it was written: `advise` then says what the sweep lacks.
        Assert.NotNull(SpecLoader.LoadText(Olmo("[]", "{}"), "o.yaml", stored: true, checkAnalysis: false).Spec.Analysis.Advise);
    }

    [Fact]
    public void Without_the_levers_the_advice_takes_any_injected_kind_and_refuses_a_kind_it_would_not_use()
    {
        // kind is the levers' task kind (README: the boundaries cover every kind). A sweep of modular-addition tasks with
        // advise: {} was refused for lacking comparison tasks, asking to set a kind that changes nothing; `pipeline advise`
        // on the same sweep advised on its modular-addition tasks.
        // (13,388,672 parameters: the 4M shape at the vocabulary these tasks' tokens need.)
        const string additions = "[{kind: modular_addition, name: a, frequency: 0.01}, {kind: modular_addition, name: b, frequency: 0.001}]";
        Assert.NotNull(SpecLoader.LoadText(Olmo(additions, "{}"), "o.yaml", checkAnalysis: false).Spec.Analysis.Advise);
        Assert.NotNull(SpecLoader.LoadText(Olmo(additions, "{target_accuracy: 0.5}"), "o.yaml", checkAnalysis: false).Spec.Analysis.Advise);

        // Set alone, the kind would have been silently ignored.
        var alone = Assert.Single(Assert.Throws<SpecException>(() =>
            SpecLoader.LoadText(Olmo(additions, "{kind: modular_addition}"), "o.yaml", checkAnalysis: false)).Errors);
        Assert.Equal(("analysis.advise.kind", 10), (alone.Path, alone.Line));
        Assert.StartsWith("is the task kind of the levers (with size and frequency)", alone.Message);
        Assert.NotNull(SpecLoader.LoadText(Olmo(additions, "{kind: modular_addition}"), "o.yaml", stored: true, checkAnalysis: false).Spec.Analysis.Advise);
        // At its default (as a resolved pipeline.yaml writes every field), and with the levers, it passes.
        Assert.NotNull(SpecLoader.LoadText(Olmo(additions, "{kind: comparison, size: 0, frequency: 0}"), "o.yaml", checkAnalysis: false).Spec.Analysis.Advise);
        Assert.NotNull(SpecLoader.LoadText(Olmo(additions, "{kind: modular_addition, size: 13388672, frequency: 0.001}"), "o.yaml", checkAnalysis: false).Spec.Analysis.Advise);
    }
}
