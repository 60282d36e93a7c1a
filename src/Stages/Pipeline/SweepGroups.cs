using Retention.Spec;
using Retention.Synthetic;

namespace Retention.Pipeline;

/// <summary>
/// Splits a sweep's runs into groups that one batched <see cref="SyntheticTrainer"/> trains
/// together: runs whose specs are equal once synthetic.width and seed are set aside, and whose
/// task mixtures are equal (the seed also draws the random bases of basis: random, so such runs
/// with different seeds stay apart). Groups keep the sweep's order (by first run).
/// </summary>
public static class SweepGroups
{
    public static IReadOnlyList<IReadOnlyList<RunPlan>> Of(IReadOnlyList<RunPlan> runs)
    {
        var order = runs.Select((r, i) => (r.RunId, i)).ToDictionary(p => p.RunId, p => p.i);   // run ids are unique
        return [.. runs.GroupBy(r => GroupKey.Of(r.Spec))
                       .SelectMany(g => g.First().Spec.Device == "cpu" ? WidthBuckets([.. g], r => r.Spec.Synthetic.Width) : [[.. g]])
                       .OrderBy(g => order[g[0].RunId])];
    }

    /// <summary>Least useful fraction of a CPU bucket's padded columns (Σ widths / (cells · max width)).</summary>
    public const double MinPaddingEfficiency = 0.6;

    /// <summary>
    /// On the CPU a batched step costs the sum of its cells' padded work and saves only per-step
    /// overhead, so a group is split into buckets of similar widths: cells sorted by width join the
    /// current bucket while at least 60% of its padded columns are real. (Measured on the Fig-2 grid,
    /// K = 32: one bucket of widths 4…512 ran at half the speed of one cell at a time, while small
    /// widths batch about 2x faster.) On a GPU per-kernel launches dominate: one bucket.
    /// </summary>
    public static IEnumerable<IReadOnlyList<T>> WidthBuckets<T>(IReadOnlyList<T> group, Func<T, int> width)
    {
        var bucket = new List<T>();
        foreach (var run in group.OrderBy(width))
        {
            int widest = width(run), total = bucket.Sum(width) + widest;
            if (bucket.Count > 0 && (double)total / ((bucket.Count + 1) * widest) < MinPaddingEfficiency)
            {
                yield return bucket;
                bucket = [];
            }
            bucket.Add(run);
        }
        if (bucket.Count > 0) yield return bucket;
    }

    /// <summary>Whether these specs may be trained by one trainer.</summary>
    public static bool TrainTogether(IEnumerable<PipelineSpec> specs) =>
        specs.Select(GroupKey.Of).Distinct().Count() == 1;

    /// <summary>
    /// The resolved YAML with width and seed normalised (so a field added to the spec later keeps
    /// runs apart by default, rather than being silently shared), plus the mixture itself.
    /// </summary>
    sealed record GroupKey(string Spec, TaskMixture Mixture)
    {
        public static GroupKey Of(PipelineSpec s) => new(
            SpecWriter.Write(s with { Seed = 0, Synthetic = s.Synthetic with { Width = 0 } }),
            TaskMixture.From(s.Synthetic, s.Seed));

        public bool Equals(GroupKey? o) => o is not null && Spec == o.Spec && SameMixture(Mixture, o.Mixture);
        public override int GetHashCode() => Spec.GetHashCode();

        static bool SameMixture(TaskMixture a, TaskMixture b) =>
            a.Tasks == b.Tasks && a.DimsPerTask == b.DimsPerTask && a.Frequencies.SequenceEqual(b.Frequencies)
            && a.Spectra.Zip(b.Spectra).All(p => p.First.SequenceEqual(p.Second))
            && a.Rotations.Zip(b.Rotations).All(p => p.First.SequenceEqual(p.Second));
    }
}
