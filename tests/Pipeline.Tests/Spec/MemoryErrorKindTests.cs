using Retention.Pipeline;
using Retention.Spec;
using static Retention.Tests.Spec.SpecSamples;

namespace Retention.Tests.Spec;

/// <summary>`run` refuses a file whose only errors are memory ones for a missing device or a held sweep first (RunRefusals).
/// It told them apart by the budget's words in the message ("this machine has ..."), so rewording the budget or the
/// message would have broken it silently; every memory refusal now says its kind (SpecErrorKind.Memory), whatever its words.</summary>
public class MemoryErrorKindTests
{
    // Worded as no machine's budget is, to show the kind does not hang on the words.
    static readonly MemoryBudget Tiny = new(1024, "a budget worded otherwise");

    static IReadOnlyList<SpecError> Refused(string yaml) =>
        Assert.Throws<SpecException>(() => SpecLoader.LoadText(yaml, "m.yaml", memory: Tiny)).Errors;

    [Fact]
    public void A_synthetic_run_too_large_is_a_memory_error_and_a_bad_value_beside_it_is_not()
    {
        var errors = Refused(Yaml("name: m", "device: cpu", "synthetic: {tasks: 4, dims_per_task: 4, width: 4}", "train: {steps: 2, batch_size: 64}"));
        var memory = Assert.Single(errors);
        Assert.Equal(SpecErrorKind.Memory, memory.Kind);
        Assert.Contains("a budget worded otherwise", memory.Message);

        // A rule's error is said alone (an estimate of a run that is wrong anyway says nothing), and is a rule's.
        var rule = Assert.Single(Refused(Yaml("name: m", "device: cpu", "synthetic: {tasks: 4, dims_per_task: 4, width: 4}", "train: {steps: -1, batch_size: 64}")));
        Assert.Equal(SpecErrorKind.Rule, rule.Kind);
        Assert.Equal("train.steps", rule.Path);
    }

    [Fact]
    public void An_olmo_run_too_large_is_a_memory_error()
    {
        var error = Assert.Single(Refused(Yaml("name: o", "experiment: olmo", "device: cpu",
            "data:", "  sources: [{paths: ['https://example.org/a.json.gz']}]", "olmo: {preset: 1B}", "train: {steps: 10}")));
        Assert.Equal(SpecErrorKind.Memory, error.Kind);
        Assert.Equal("olmo", error.Path);
    }

    [Fact]
    public void A_group_of_runs_too_large_together_is_a_memory_error()
    {
        // Each run alone fits a budget the group of five seeds does not.
        var yaml = Yaml("name: m", "device: cpu", "synthetic: {tasks: 4, dims_per_task: 4, width: 4}", "train: {steps: 2, batch_size: 100000}",
            "sweep: {seed: [0, 1, 2, 3, 4]}");
        var pipeline = SpecLoader.LoadText(yaml, "m.yaml", checkResources: false);
        long oneRun = (long)ResourceEstimate.SyntheticBytes(pipeline.Runs[0].Spec);
        var error = MachineMemoryCheck.Error(pipeline, jobs: 1, new MemoryBudget(oneRun * 2, "a budget worded otherwise"));
        Assert.NotNull(error);
        Assert.Equal(SpecErrorKind.Memory, error.Kind);
    }
}
