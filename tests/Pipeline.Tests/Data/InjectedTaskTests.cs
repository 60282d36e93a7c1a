using Retention.Data;

namespace Retention.Tests.Data;

public class InjectedTaskTests
{
    [Fact]
    public void ComparisonHasTenThousandDistinctCorrectlyLabelledInstancesSplitFiveAndFive()
    {
        var task = (ComparisonTask)InjectedTask.Create(new InjectedTaskSpec { Kind = ComparisonTask.KindName, Seed = 4 });
        Assert.Equal(101, task.ItemCount);
        Assert.Equal(10_000, task.Instances.Length);
        Assert.Equal(5_000, task.Train.Length);
        Assert.Equal(5_000, task.Test.Length);
        Assert.Equal(Enumerable.Range(0, 10_000), task.Instances.Select(i => i.Id));
        Assert.Equal(10_000, task.Instances.Select(i => (i.A, i.B)).Distinct().Count());
        Assert.Empty(task.Train.ToArray().Select(i => (i.A, i.B)).Intersect(task.Test.ToArray().Select(i => (i.A, i.B))));

        // The hidden order is a permutation; every label agrees with it, recomputed here.
        Assert.Equal(Enumerable.Range(0, 101), task.Ranks.Order());
        foreach (var i in task.Instances)
        {
            Assert.NotEqual(i.A, i.B);
            Assert.InRange(i.A, 0, 100);
            Assert.InRange(i.B, 0, 100);
            Assert.Equal(task.Ranks[i.A] > task.Ranks[i.B] ? 0 : 1, i.Label);
        }
        // Pairs are drawn uniformly, so labels are balanced (each ordered pair has its mirror with the other label).
        Assert.InRange(task.Instances.Count(i => i.Label == 0), 4_800, 5_200);
        // Every item occurs in training, so test pairs are answerable from the order.
        Assert.Equal(101, task.Train.ToArray().SelectMany(i => new[] { i.A, i.B }).Distinct().Count());
    }

    [Fact]
    public void ModularAdditionHasTenThousandDistinctInstancesWithTheirSums()
    {
        var task = (ModularAdditionTask)InjectedTask.Create(new InjectedTaskSpec { Kind = ModularAdditionTask.KindName, Seed = 4 });
        Assert.Equal(113, task.Modulus);
        Assert.Equal(10_000, task.Instances.Select(i => (i.A, i.B)).Distinct().Count());
        Assert.Empty(task.Train.ToArray().Select(i => i.Id).Intersect(task.Test.ToArray().Select(i => i.Id)));
        Assert.Equal(5_000, task.Train.Length);
        foreach (var i in task.Instances)
        {
            Assert.InRange(i.A, 0, 112);
            Assert.InRange(i.B, 0, 112);
            Assert.Equal((i.A + i.B) % 113, i.Label);
        }
    }

    [Fact]
    public void TheSeedFixesInstancesAndSplitAndNothingElseDoes()
    {
        var spec = new InjectedTaskSpec { Kind = ModularAdditionTask.KindName, Seed = 9 };
        Assert.Equal(InjectedTask.Create(spec).Instances.ToArray(), InjectedTask.Create(spec).Instances.ToArray());
        Assert.NotEqual(InjectedTask.Create(spec).Train.ToArray(), InjectedTask.Create(spec with { Seed = 10 }).Train.ToArray());
        var cmp = new InjectedTaskSpec { Kind = ComparisonTask.KindName, Seed = 9 };
        Assert.Equal(((ComparisonTask)InjectedTask.Create(cmp)).Ranks.ToArray(), ((ComparisonTask)InjectedTask.Create(cmp)).Ranks.ToArray());
    }

    [Fact]
    public void TooSmallAnInstanceSpaceIsRefused()
    {
        // 97² = 9,409 < 10,000 and 100·99 = 9,900 < 10,000: the smallest sizes are p = 101 and n = 101.
        Assert.Throws<ArgumentException>(() => InjectedTask.Create(new InjectedTaskSpec { Kind = ModularAdditionTask.KindName, Items = 97 }));
        Assert.Throws<ArgumentException>(() => InjectedTask.Create(new InjectedTaskSpec { Kind = ComparisonTask.KindName, Items = 100 }));
        Assert.Equal(10_000, InjectedTask.Create(new InjectedTaskSpec { Kind = ModularAdditionTask.KindName, Items = 101 }).Instances.Length);
        Assert.Throws<ArgumentException>(() => InjectedTask.Create(new InjectedTaskSpec { Kind = "copy" }));
    }

    private static (InjectedTaskSpec, InjectedTask) Pair(InjectedTaskSpec spec) => (spec, InjectedTask.Create(spec));

    [Fact]
    public void AppendedTokensFollowTheVocabularyInTaskOrder()
    {
        var vocab = TaskVocabulary.Build(
            [Pair(new() { Kind = ComparisonTask.KindName }), Pair(new() { Kind = ModularAdditionTask.KindName })], tokenizerVocabSize: 1000, eosId: 5);
        var cmp = vocab.For("cmp");
        var add = vocab.For("add");
        Assert.Equal(Enumerable.Range(1000, 101), cmp.ItemIds);
        Assert.Equal([1101, 1102], cmp.LabelIds);
        Assert.Equal(Enumerable.Range(1103, 113), add.ItemIds);
        Assert.Same(add.ItemIds, add.LabelIds);
        Assert.Equal(1216, vocab.VocabSize);
        Assert.Equal(216, vocab.Appended);
    }

    [Fact]
    public void ExistingTokensAreValidated()
    {
        var ok = new InjectedTaskSpec
        {
            Kind = ComparisonTask.KindName, Tokens = TaskVocabulary.Existing,
            ItemIds = [.. Enumerable.Range(200, 101)], LabelIds = [10, 11],
        };
        var vocab = TaskVocabulary.Build([Pair(ok)], 1000, eosId: 5);
        Assert.Equal(1000, vocab.VocabSize);
        Assert.Equal(
            (200 + 3, 200 + 7, ((ComparisonTask)InjectedTask.Create(ok)).Ranks[3] > ((ComparisonTask)InjectedTask.Create(ok)).Ranks[7] ? 10 : 11),
            vocab.Tasks[0].Encode(new TaskInstance(0, 3, 7, LabelOf(ok, 3, 7))));

        Assert.Throws<ArgumentException>(() => TaskVocabulary.Build([Pair(ok with { LabelIds = [10, 5] })], 1000, 5));      // EOS
        Assert.Throws<ArgumentException>(() => TaskVocabulary.Build([Pair(ok with { LabelIds = [10, 250] })], 1000, 5));    // label = an item
        Assert.Throws<ArgumentException>(() => TaskVocabulary.Build([Pair(ok with { LabelIds = [10, 1000] })], 1000, 5));   // outside V
        Assert.Throws<ArgumentException>(() => TaskVocabulary.Build([Pair(ok with { ItemIds = [1, 2] })], 1000, 5));       // count
        var add = new InjectedTaskSpec { Kind = ModularAdditionTask.KindName, Tokens = TaskVocabulary.Existing, ItemIds = [.. Enumerable.Range(250, 113)] };
        Assert.Throws<ArgumentException>(() => TaskVocabulary.Build([Pair(ok), Pair(add)], 1000, 5));                       // shared across tasks
        Assert.Throws<ArgumentException>(() => TaskVocabulary.Build([Pair(ok), Pair(ok with { Tokens = TaskVocabulary.Append })], 1000, 5)); // same name
    }

    private static int LabelOf(InjectedTaskSpec spec, int a, int b) => ComparisonTask.LabelOf(((ComparisonTask)InjectedTask.Create(spec)).Ranks.AsSpan(), a, b);
}
