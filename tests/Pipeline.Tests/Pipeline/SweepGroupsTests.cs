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
        var groups = Groups(Capacity, "device=cuda");
        Assert.Single(groups);
        Assert.Equal(Load(Capacity, null, ["device=cuda"]).Runs.Select(r => r.RunId), groups[0]);
    }

    [Fact]
    public void OnTheCpuWidthsAreBucketedSoMostPaddedColumnsAreReal()
    {
        // Sorted widths 4,4,8,8 fill 24 of 32 padded columns (75%); adding 16 would fill 40 of 80
        // (50% < 60%), so 16 starts a bucket: 16,16,32,32 fill 96 of 128.
        Assert.Equal(
            [["width-4_seed-0", "width-4_seed-1", "width-8_seed-0", "width-8_seed-1"],
             ["width-16_seed-0", "width-16_seed-1", "width-32_seed-0", "width-32_seed-1"]],
            Groups(Capacity, "device=cpu"));
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
