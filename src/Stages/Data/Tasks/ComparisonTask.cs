using System.Collections.Immutable;

namespace Retention.Data;

/// <summary>
/// T_CMP: n items under a hidden total order (a seeded permutation: item i has rank Ranks[i]); an
/// instance is an ordered pair of distinct items (a, b) and its label says which is larger:
/// 0 if rank(a) &gt; rank(b), else 1, written as one of two label tokens. The instance space is the
/// n(n-1) ordered pairs, so 10K instances need n ≥ 101 (10,100 pairs). Test pairs are unseen pairs
/// of seen items: answering them needs the order itself (a global token-order direction), not recall.
/// </summary>
public sealed record ComparisonTask(string Name, int Seed, ImmutableArray<TaskInstance> Instances, int TrainCount, int Items, ImmutableArray<int> Ranks)
    : InjectedTask(Name, Seed, Instances, TrainCount)
{
    public const string KindName = "comparison";
    public const int DefaultItems = 101;
    public const int FirstLarger = 0, SecondLarger = 1;
    private const long KindTag = 1;

    public override int ItemCount => Items;
    public override int LabelCount => 2;
    public override bool LabelsAreItems => false;

    public static int LabelOf(ReadOnlySpan<int> ranks, int a, int b) => ranks[a] > ranks[b] ? FirstLarger : SecondLarger;

    public static ComparisonTask Create(int items, int instances, int train, int seed, string name = "cmp")
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(items, 2);
        var ranks = StableRng.Seed(seed, KindTag, 0).Permutation(items);
        var chosen = SampleSpace((long)items * (items - 1), instances, train, seed, KindTag);
        var list = ImmutableArray.CreateBuilder<TaskInstance>(instances);
        for (int id = 0; id < chosen.Length; id++)
        {
            // Pair index i ↦ (a, b): a = i / (n-1), and b runs over the other n-1 items.
            int a = (int)(chosen[id] / (items - 1)), j = (int)(chosen[id] % (items - 1));
            int b = j < a ? j : j + 1;
            list.Add(new TaskInstance(id, a, b, LabelOf(ranks, a, b)));
        }
        return new ComparisonTask(name, seed, list.MoveToImmutable(), train, items, [.. ranks]);
    }
}
