using Retention.Advice;

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
        Assert.Equal(2, warnings.Count);
        Assert.Contains(warnings, w => w.StartsWith("the advice pools runs whose specs differ in train.lr as seeds of one setting") &&
            w.Contains("e.g. 'a/s0' and 'b/s2' (train.lr: 0.003 → 0.001), 2 pairs in all"));
        Assert.Contains(warnings, w => w.StartsWith("the advice pools runs whose specs differ in train.steps ") &&
            w.Contains("'a/s0' and 'c/s4' (train.steps: 100 → 200)") && !w.Contains("pairs in all"));
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
}
