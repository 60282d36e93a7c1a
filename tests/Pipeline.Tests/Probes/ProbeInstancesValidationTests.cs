using Retention.Spec;

namespace Retention.Tests.Probes;

/// <summary>probes.gradients.instances and probes.injection_eval.instances take the first instances of a task's set: more
/// than the task has were cut to it without a word (g_r over 10,000 instances where 20,000 were asked), and no table says how
/// many were used. They are refused at the key, naming the task and its count.</summary>
public class ProbeInstancesValidationTests
{
    /// <summary>A small OLMo pipeline with <paramref name="probes"/> (also ProbeLayerValidationTests').</summary>
    internal static string Olmo(string probes, string tasks =
        "[{kind: comparison, name: cmp, frequency: 0.01, gap: 10, instances: 2000, train_instances: 1000}, {kind: modular_addition, name: add, frequency: 0.01}]",
        string olmo = "{preset: 4M}") => $$$"""
        name: o
        experiment: olmo
        train: {steps: 10}
        data:
          sources: [{paths: ['http://example.org/s.json.gz']}]
          packing: {seq_len: 64, batch_size: 4}
          tasks: {{{tasks}}}
        olmo: {{{olmo}}}
        probes: {{{probes}}}
        """;

    static SpecError Refused(string probes) =>
        Assert.Single(Assert.Throws<SpecException>(() => SpecLoader.LoadText(Olmo(probes), "o.yaml", checkAnalysis: false)).Errors);

    static void Loads(string probes) => Assert.NotNull(SpecLoader.LoadText(Olmo(probes), "o.yaml", checkAnalysis: false).Spec.Probes);

    [Fact]
    public void More_gradient_instances_than_the_probed_task_has_are_refused()
    {
        var first = Refused("{gradients: {instances: 2001}}");   // the first task, cmp: 2,000 instances
        Assert.Equal(("probes.gradients.instances", 9), (first.Path, first.Line));
        Assert.Equal("must be at most the 2,000 instances of task 'cmp' (its instances; 0 = all of them), got 2,001", first.Message);
        var named = Refused("{gradients: {task: add, instances: 10001}}");   // add: the default 10,000
        Assert.Equal("must be at most the 10,000 instances of task 'add' (its instances; 0 = all of them), got 10,001", named.Message);

        Loads("{gradients: {instances: 2000}}");
        Loads("{gradients: {task: add, instances: 10000}}");
        Loads("{gradients: {instances: 0}}");
    }

    [Fact]
    public void More_injection_eval_instances_than_a_gapped_tasks_train_split_are_refused()
    {
        var e = Refused("{injection_eval: {instances: 1001}}");   // cmp's train split: 1,000 (add is not gapped)
        Assert.Equal(("probes.injection_eval.instances", 9), (e.Path, e.Line));
        Assert.Equal("must be at most the 1,000 train-split instances of task 'cmp' (its train_instances), the first of which it scores, got 1,001", e.Message);
        Loads("{injection_eval: {instances: 1000}}");

        // A sweep's saved pipeline.yaml loads as it was written (earlier versions accepted it, scoring the split whole).
        Assert.NotNull(SpecLoader.LoadText(Olmo("{injection_eval: {instances: 1001}, gradients: {instances: 5000}}"), "o.yaml",
            stored: true, checkAnalysis: false).Spec.Probes);
    }
}
