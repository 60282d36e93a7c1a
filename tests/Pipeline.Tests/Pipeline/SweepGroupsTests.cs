using Retention.Pipeline;
using static Retention.Tests.Spec.SpecSamples;

namespace Retention.Tests.Pipeline;

public class SweepGroupsTests
{
    static string[][] Groups(string yaml, params string[] sets) =>
        [.. SweepGroups.Of(Load(yaml, null, sets).Runs).Select(g => g.Select(r => r.RunId).ToArray())];

    [Fact]
    public void RunsThatDifferOnlyInWidthAndSeedTrainTogetherInSweepOrder()
    {
        var groups = Groups(Capacity);
        Assert.Single(groups);
        Assert.Equal(Load(Capacity).Runs.Select(r => r.RunId), groups[0]);
    }

    [Fact]
    public void AnyOtherSweptFieldSplitsTheRunsIntoGroups()
    {
        var yaml = Yaml(
            "name: t",
            "synthetic: {tasks: 3, dims_per_task: 2}",
            "sweep:",
            "  synthetic.width: [2, 4]",
            "  train.lr: [0.01, 0.02]");
        Assert.Equal(
            [["width-2_lr-0.01", "width-4_lr-0.01"], ["width-2_lr-0.02", "width-4_lr-0.02"]],
            Groups(yaml));
    }

    [Fact]
    public void RandomBasesDrawnFromTheSeedKeepSeedsApart()
    {
        // basis: random draws each task's rotation from the seed: different mixtures, different groups.
        var yaml = Yaml(
            "name: t",
            "synthetic: {tasks: 3, dims_per_task: 2, basis: random}",
            "sweep:",
            "  synthetic.width: [2, 4]",
            "  seed: [0, 1]");
        Assert.Equal(
            [["width-2_seed-0", "width-4_seed-0"], ["width-2_seed-1", "width-4_seed-1"]],
            Groups(yaml));
    }
}
