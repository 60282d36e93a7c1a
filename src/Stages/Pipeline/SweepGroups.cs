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
    public static IReadOnlyList<IReadOnlyList<RunPlan>> Of(IReadOnlyList<RunPlan> runs) =>
        [.. runs.GroupBy(r => GroupKey.Of(r.Spec)).Select(g => (IReadOnlyList<RunPlan>)[.. g])];

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
