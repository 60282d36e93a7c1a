using static Retention.Tests.Spec.SpecSamples;

namespace Retention.Tests.Spec;

/// <summary>probes.injection_eval measures around the injections of tasks with gap >= 8 only (README "Probes"); with no such
/// task it was accepted and wrote an empty injection_eval.arrow without a word. It is refused as the other probes are
/// without their task.</summary>
public class InjectionEvalTaskTests
{
    static string Pipeline(string tasks) => Yaml(
        "name: o",
        "experiment: olmo",
        "data:",
        "  sources: [{paths: ['https://example.org/a.json.gz']}]",
        "  packing: {seq_len: 16, batch_size: 2}",
        $"  tasks: {tasks}",
        "olmo: {preset: 4M, layers: 2, hidden: 16, mlp_dim: 64, heads: 2}",
        "train: {steps: 10}",
        "probes: {injection_eval: {instances: 20}}");

    [Fact]
    public void Without_a_gapped_task_injection_eval_is_refused_naming_the_gaps()
    {
        var error = Assert.Single(Errors(Pipeline("[{kind: comparison, gap: 5}, {kind: modular_addition}]")));
        Assert.Equal("probes.injection_eval", error.Path);
        Assert.Equal("needs a task with gap >= 8 in data.tasks: it measures just before and after each injection and between them, " +
            "which needs room between injections; the tasks' gaps: cmp 5, add 1", error.Message);
    }

    [Fact]
    public void A_sweep_an_earlier_version_stored_still_loads() =>
        Assert.NotNull(Retention.Spec.SpecLoader.LoadText(Pipeline("[{kind: comparison, gap: 5}]"), "run.yaml", checkAnalysis: false, stored: true)
            .Spec.Probes!.InjectionEval);

    [Fact]
    public void A_gapped_task_is_enough() =>
        Assert.NotNull(Load(Pipeline("[{kind: comparison, gap: 5}, {kind: modular_addition, gap: 8}]")).Spec.Probes!.InjectionEval);
}
