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
    public void OnTheCpuACellJoinsABucketWhileItsPaddingCostsLessThanAStepsOverhead()
    {
        // D = 512, batch 256: the overhead is worth 82 columns (a measured figure, docs/benchmarks.md). Sorted
        // widths 4,4,8,8,16,16,32,32: joining 8 widens one cell by 4 (4 < 82), 16 widens four cells by 8
        // (32 < 82), 32 would widen six cells by 16 (96 ≥ 82), so it starts a bucket; equal widths always join.
        // The grouping below is the decision the figure drives: it holds for any overhead in (32, 96].
        Assert.InRange(SweepGroups.OverheadColumns(512, 256), 32.001, 96);
        Assert.Equal(
            [["width-4_seed-0", "width-4_seed-1", "width-8_seed-0", "width-8_seed-1", "width-16_seed-0", "width-16_seed-1"],
             ["width-32_seed-0", "width-32_seed-1"]],
            Groups(Capacity, "device=cpu"));
    }

    [Fact]
    public void OnTheFig2GridOnlyTheNarrowWidthsShareABucket()
    {
        // 4,8,16,32 pad 68 columns in all (each join adds 4, 16, 48 < 82); 64 would add 4·32 = 128;
        // from 96 on every width exceeds the overhead's 82 columns and trains alone.
        int[] grid = [4, 8, 16, 32, 64, 96, 128, 192, 256, 384, 512];
        Assert.Equal([[4, 8, 16, 32], [64], [96], [128], [192], [256], [384], [512]],
            SweepGroups.WidthBuckets(grid, w => w, SweepGroups.OverheadColumns(512, 256)).Select(b => b.ToArray()));
        // Seeds of one width always share, however wide.
        Assert.Equal([[512, 512, 512]], SweepGroups.WidthBuckets([512, 512, 512], w => w, 82).Select(b => b.ToArray()));
    }

    [Fact]
    public void WithTwoJobsTheCostliestBucketIsCutWhereItsHalvesBalance()
    {
        // cpu profile: D = 64, batch 256, overhead worth 656 columns, so all 8 widths form one bucket
        // (cost 656 + 8·48 = 1040). Cutting after 16 gives 656 + 5·16 = 736 and 656 + 3·48 = 800;
        // after 24, 800 and 752: both worst halves are 800, the first cut wins.
        int[] widths = [2, 4, 8, 12, 16, 24, 32, 48];
        double overhead = SweepGroups.OverheadColumns(64, 256);
        Assert.Equal(8 * SweepGroups.OverheadColumns(512, 256), overhead, 9);   // a column at D = 64 is 1/8 of one at D = 512
        var one = SweepGroups.WidthBuckets(widths, w => w, overhead).ToList();
        Assert.Equal([widths], one.Select(b => b.ToArray()));
        Assert.Equal([[2, 4, 8, 12, 16], [24, 32, 48]],
            SweepGroups.SplitForJobs(one, w => w, 2, _ => overhead).Select(b => b.ToArray()));
        Assert.Equal([widths], SweepGroups.SplitForJobs(one, w => w, 1, _ => overhead).Select(b => b.ToArray()));
        // Equal widths cannot be cut: more jobs than distinct widths leaves one bucket per width.
        Assert.Equal([[8, 8], [16, 16]], SweepGroups.SplitForJobs([[8, 8, 16, 16]], w => w, 5, _ => overhead).Select(b => b.ToArray()));
    }

    [Theory]
    [InlineData(512, 256)]
    [InlineData(64, 256)]
    [InlineData(96, 100)]
    public void TheOverheadInColumnsIsInverselyProportionalToTheArithmeticOfAColumn(int dims, int batch)
    {
        // A fixed per-step cost measured in columns: a column's arithmetic is D · batch multiply-adds, so
        // doubling D or the batch halves the overhead's worth in columns, and the product stays constant.
        double o = SweepGroups.OverheadColumns(dims, batch);
        Assert.True(o > 0);
        Assert.Equal(o / 2, SweepGroups.OverheadColumns(2 * dims, batch), 9);
        Assert.Equal(o / 4, SweepGroups.OverheadColumns(dims, 4 * batch), 9);
        Assert.Equal(o * dims * batch, SweepGroups.OverheadColumns(512, 256) * 512 * 256, 6);
    }

    [Fact]
    public void ALargerBatchMakesPaddingDearerAndBucketsSmaller()
    {
        // Batch 1024: a column costs 4x the arithmetic, the overhead is worth 20.5 columns; 16 would
        // widen four cells by 8 (32 ≥ 20.5) and 32 two cells by 16 (32 ≥ 20.5).
        Assert.Equal(
            [["width-4_seed-0", "width-4_seed-1", "width-8_seed-0", "width-8_seed-1"],
             ["width-16_seed-0", "width-16_seed-1"], ["width-32_seed-0", "width-32_seed-1"]],
            Groups(Capacity, "device=cpu", "train.batch_size=1024"));
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
