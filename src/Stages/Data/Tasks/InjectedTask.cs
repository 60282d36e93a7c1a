using System.Collections.Immutable;

namespace Retention.Data;

/// <summary>One task instance in the task's own terms: items a and b (0-based item indices) and the
/// label class (comparison: 0 = a is larger, 1 = b is larger; modular addition: the residue).
/// Id is the instance's index in its task's list (0..Instances-1).</summary>
public sealed record TaskInstance(int Id, int A, int B, int Label);

/// <summary>
/// An injected task of paper-spec Part 2: a fixed set of distinct instances, drawn by seed from the
/// task's instance space and split by the same seed: ids 0..TrainCount-1 are the train split (the
/// instances injected into training), the rest the test split (never injected, for test loss and
/// accuracy). A closed hierarchy: <see cref="ComparisonTask"/> and <see cref="ModularAdditionTask"/>.
/// </summary>
public abstract record InjectedTask(string Name, int Seed, ImmutableArray<TaskInstance> Instances, int TrainCount)
{
    /// <summary>Distinct item tokens the task uses (n or p).</summary>
    public abstract int ItemCount { get; }

    /// <summary>Distinct label classes (2 for comparison, p for modular addition).</summary>
    public abstract int LabelCount { get; }

    /// <summary>True when label class c is written as item c's token (modular addition), so the task needs no label tokens of its own.</summary>
    public abstract bool LabelsAreItems { get; }

    public ReadOnlySpan<TaskInstance> Train => Instances.AsSpan(0, TrainCount);
    public ReadOnlySpan<TaskInstance> Test => Instances.AsSpan()[TrainCount..];

    /// <summary>Builds the task a spec describes.</summary>
    public static InjectedTask Create(InjectedTaskSpec spec) => spec.Kind switch
    {
        ComparisonTask.KindName => ComparisonTask.Create(spec.Items == 0 ? ComparisonTask.DefaultItems : spec.Items,
            spec.Instances, spec.TrainInstances, spec.Seed, spec.TaskName),
        ModularAdditionTask.KindName => ModularAdditionTask.Create(spec.Items == 0 ? ModularAdditionTask.DefaultModulus : spec.Items,
            spec.Instances, spec.TrainInstances, spec.Seed, spec.TaskName),
        _ => throw new ArgumentException($"injected task kind '{spec.Kind}' is not one of {ComparisonTask.KindName}, {ModularAdditionTask.KindName}."),
    };

    /// <summary>
    /// The shared sampling step: <paramref name="count"/> distinct indices of an instance space of
    /// <paramref name="space"/> elements, in a seeded random order (the order assigns ids, so the
    /// first <paramref name="train"/> are a uniformly random train split).
    /// </summary>
    protected static long[] SampleSpace(long space, int count, int train, int seed, long kindTag)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 2);
        if (count > space) throw new ArgumentException($"The task has only {space} distinct instances; {count} were asked for.");
        if (train < 1 || train >= count) throw new ArgumentException($"train_instances must be in 1..{count - 1} (got {train}).");
        var rng = StableRng.Seed(seed, kindTag, 1);
        var chosen = rng.SortedDistinct(count, space);
        rng.Shuffle(chosen.AsSpan());
        return chosen;
    }
}
