using Retention.Advice;
using static Retention.Tests.Spec.SpecSamples;

namespace Retention.Tests.Advice;

/// <summary>The advice averages everything but kind, size and frequency as seeds: runs pooled that were trained
/// otherwise are named, with what their specs differ in.</summary>
public class AdvicePoolingTests
{
    static string Spec(string name, int seed, double lr, long steps = 100, string device = "cpu") =>
        $"name: {name}\nexperiment: olmo\ndevice: {device}\nseed: {seed}\ntrain: {{steps: {steps}, lr: {lr}}}\n" +
        "sweep: {olmo.preset: [4M]}\nanalysis: {tables: []}\n";

    static TaskOutcome Outcome(string run, int seed, long parameters = 120_000, double frequency = 1e-3, string kind = "comparison") =>
        new(kind, frequency, parameters, seed, 0.9, 1e6) { Run = run };

    [Fact]
    public void Seeds_of_one_setting_from_two_sweeps_pool_without_a_warning()
    {
        var specs = new Dictionary<string, string> { ["a/s0"] = Spec("a", 0, 0.003), ["b/s1"] = Spec("b-gpu", 1, 0.003, device: "cuda") };
        Assert.Empty(AdvicePooling.Warnings([Outcome("a/s0", 0), Outcome("b/s1", 1)], r => specs[r]));
    }

    [Fact]
    public void Runs_of_another_lr_or_length_in_one_pool_are_named_with_their_values()
    {
        var specs = new Dictionary<string, string>
        {
            ["a/s0"] = Spec("a", 0, 0.003), ["a/s1"] = Spec("a", 1, 0.003),
            ["b/s2"] = Spec("b", 2, 0.001), ["b/s3"] = Spec("b", 3, 0.001),
            ["c/s4"] = Spec("c", 4, 0.003, steps: 200),
        };
        var warnings = AdvicePooling.Warnings([.. specs.Keys.Select((r, i) => Outcome(r, i))], r => specs[r]);
        // Every pair is compared: a's two seeds against b's two (lr), against c (steps), and b's against c (both).
        Assert.Equal(3, warnings.Count);
        Assert.Contains(warnings, w => w.StartsWith("the advice pools runs whose specs differ in train.lr as seeds of one setting") &&
            w.Contains("e.g. 'a/s0' and 'b/s2' (train.lr: 0.003 → 0.001), 4 pairs in all"));
        Assert.Contains(warnings, w => w.StartsWith("the advice pools runs whose specs differ in train.steps ") &&
            w.Contains("'a/s0' and 'c/s4' (train.steps: 100 → 200), 2 pairs in all"));
        Assert.Contains(warnings, w => w.StartsWith("the advice pools runs whose specs differ in train.lr, train.steps ") &&
            w.Contains("'b/s2' and 'c/s4'") && w.Contains("2 pairs in all"));
        // The same runs given in another order: the same warnings.
        Assert.Equal(warnings, AdvicePooling.Warnings([.. specs.Keys.Reverse().Select((r, i) => Outcome(r, i))], r => specs[r]));
    }

    [Fact]
    public void Runs_the_advice_keeps_apart_are_not_compared_and_a_pair_sharing_two_pools_is_named_once()
    {
        var specs = new Dictionary<string, string> { ["a"] = Spec("a", 0, 0.003), ["b"] = Spec("b", 0, 0.001), ["c"] = Spec("c", 0, 0.01) };
        // a and b share two frequencies (two tasks in each run); c is another size, and kept apart.
        TaskOutcome[] outcomes = [Outcome("a", 0), Outcome("b", 1), Outcome("a", 0, frequency: 1e-4), Outcome("b", 1, frequency: 1e-4),
            Outcome("c", 2, parameters: 600_000)];
        var warning = Assert.Single(AdvicePooling.Warnings(outcomes, r => specs[r]));
        Assert.Contains("'a' and 'b'", warning);
        Assert.DoesNotContain("pairs in all", warning);
        Assert.DoesNotContain("'c'", warning);
    }

    [Fact]
    public void Runs_without_a_readable_spec_are_left_out()
    {
        var specs = new Dictionary<string, string?> { ["a"] = Spec("a", 0, 0.003), ["old"] = null, ["damaged"] = "train: {lr: [0.001" };
        Assert.Empty(AdvicePooling.Warnings([Outcome("a", 0), Outcome("old", 1), Outcome("damaged", 2)], r => specs[r]));
    }

    /// <summary>A resolved OLMo run spec, as run.yaml holds it.</summary>
    static string RunYaml(string extra = "") => Load(Yaml(
        "name: o", "experiment: olmo", "data:", "  sources: [{paths: ['https://example.org/a.json.gz']}]",
        "  packing: {seq_len: 16, batch_size: 4}",
        "  tasks: [{kind: comparison, frequency: 0.001}, {kind: modular_addition, frequency: 0.003}]",
        "olmo: {preset: 4M, layers: 1, hidden: 16, mlp_dim: 32, heads: 2}", "train: {steps: 10}" + extra)).Runs[0].ResolvedYaml;

    [Fact]
    public void A_run_an_older_version_wrote_compares_equal_to_its_copy_either_way_round()
    {
        var now = RunYaml();
        // run.yaml of a run trained before olmo.reference_tasks and olmo.fused_adamw existed: they read as their defaults.
        var older = string.Join('\n', now.Split('\n').Where(l => !l.Contains("reference_tasks") && !l.Contains("fused_adamw")));
        var files = new Dictionary<string, string> { ["new"] = now, ["old"] = older };
        var read = Reader(files);
        Assert.False(AdvicePooling.TrainedOtherwise("new", "old", read));
        Assert.False(AdvicePooling.TrainedOtherwise("old", "new", read));
        Assert.Empty(AdvicePooling.Warnings([Outcome("new", 0), Outcome("old", 1)], read));
    }

    [Fact]
    public void What_only_observes_training_is_no_difference_and_another_tasks_frequency_is_not_pooled_apart_but_is_no_copy()
    {
        var files = new Dictionary<string, string>
        {
            ["a"] = RunYaml(),
            ["observed"] = RunYaml().Replace("log_every: 100", "log_every: 5").Replace("eval_every: 100", "eval_every: 7"),
            ["mixture"] = RunYaml().Replace("frequency: 0.003", "frequency: 0.01"),
        };
        Assert.NotEqual(files["a"], files["observed"]);
        Assert.NotEqual(files["a"], files["mixture"]);
        var read = Reader(files);
        Assert.False(AdvicePooling.TrainedOtherwise("a", "observed", read));
        // The other task of the mixture at another frequency: trained otherwise (not a copy)...
        Assert.True(AdvicePooling.TrainedOtherwise("a", "mixture", read));
        // ...but the comparison task's pool is the pipeline's design, as the analysis's advice check treats it.
        Assert.Empty(AdvicePooling.Warnings([Outcome("a", 0), Outcome("observed", 1), Outcome("mixture", 2)], read));
    }

    /// <summary>Specs by run, written as this version writes them (what <see cref="AdvicePooling.SpecReader"/> returns).</summary>
    static Func<string, string?> Reader(Dictionary<string, string> files) => r => Retention.Pipeline.SweepContract.Canonical(files[r]);

    [Fact]
    public void A_copy_is_found_in_a_third_sweep_when_the_first_sweeps_run_was_trained_otherwise()
    {
        // a (lr 1e-3), b (lr 3e-3) and c, a copy of b: c's run is compared with b's, not only with a's.
        var lr = new Dictionary<string, double> { ["a/s0"] = 1e-3, ["b/s0"] = 3e-3, ["c/s0"] = 3e-3 };
        IReadOnlyList<TaskOutcome>[] sweeps = [[Outcome("a/s0", 0)], [Outcome("b/s0", 0)], [Outcome("c/s0", 0)]];
        var error = Assert.Throws<ArgumentException>(() => SweepOverlap.CheckNoCopies(sweeps, (x, y) => lr[x] != lr[y]));
        Assert.StartsWith("runs 'b/s0' and 'c/s0' have the same spec", error.Message);
        SweepOverlap.CheckNoCopies(sweeps[..2], (x, y) => lr[x] != lr[y]);   // a and b alone: trained otherwise, no copy
    }
}
