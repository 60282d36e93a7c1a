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
    /// <param name="jobs">Groups that will train at once (`run --jobs`): CPU buckets are split further
    /// until there are at least this many, where widths allow, so every core has a trainer.</param>
    /// <param name="isCpu">Whether runs on a device: value train on the CPU, bucketed by width (default <see cref="Training.Devices.IsCpu"/>,
    /// which loads LibTorch to tell what auto picks here).</param>
    public static IReadOnlyList<IReadOnlyList<RunPlan>> Of(IReadOnlyList<RunPlan> runs, int jobs = 1, Func<string, bool>? isCpu = null)
    {
        isCpu ??= Training.Devices.IsCpu;
        var order = runs.Select((r, i) => (r.RunId, i)).ToDictionary(p => p.RunId, p => p.i);   // run ids are unique
        var groups = runs.GroupBy(r => GroupKey.Of(r.Spec))
            .SelectMany(g => isCpu(g.First().Spec.Device)
                ? WidthBuckets([.. g], r => r.Spec.Synthetic.Width, OverheadColumns(g.First().Spec))
                : [[.. g]])
            .ToList();
        if (runs.Count > 0 && runs.All(r => isCpu(r.Spec.Device)))
            groups = SplitForJobs(groups, r => r.Spec.Synthetic.Width, jobs, r => OverheadColumns(r.Spec));
        return [.. groups.OrderBy(g => order[g[0].RunId])];
    }

    /// <summary>
    /// The groups a --resume trains: each checkpoint's runs together again, as they were saved (the grouping of the
    /// attempt that saved it, whatever --jobs it had), where all of them are still to train and still train together;
    /// the other runs grouped by <see cref="Of"/>. Regrouped by this attempt's --jobs instead, a sweep stopped under
    /// `--jobs 2` and resumed without it would train every run from step 0.
    /// </summary>
    /// <param name="runDir">A run's directory (a group's checkpoint is kept in its first run's).</param>
    /// <param name="isCpu">As <see cref="Of"/>'s, for the runs no checkpoint keeps together (which no device decides).</param>
    /// <param name="renamed">Earlier ids a checkpoint may name, with the run each becomes (runs a resume adopts from an earlier
    /// folder, <see cref="AdoptedRun"/>, which renames their checkpoint's cells so): asked before it moves them (`run`'s memory
    /// check), with <paramref name="runDir"/> their earlier folders. Null: the checkpoints name the runs as they are.</param>
    public static IReadOnlyList<IReadOnlyList<RunPlan>> ForResume(IReadOnlyList<RunPlan> pending, Func<string, string> runDir, int jobs = 1,
        Func<string, bool>? isCpu = null, IReadOnlyDictionary<string, string>? renamed = null)
    {
        var byId = pending.ToDictionary(r => r.RunId);
        var kept = new List<IReadOnlyList<RunPlan>>();
        var taken = new HashSet<string>();
        string CheckpointOf(string run) => Training.CheckpointFolder.Current(Training.CheckpointFolder.Of(runDir(run)));   // a cut replacement counts
        // The newest checkpoint first: a run that trained on alone after its group saved (a Slurm task of that run) has
        // the later one, and the group's is then stale (SyntheticTrainer.Superseded).
        foreach (var run in pending.OrderByDescending(r => SyntheticTrainer.SavedAt(CheckpointOf(r.RunId)) ?? DateTime.MinValue))
        {
            var dir = CheckpointOf(run.RunId);
            if (taken.Contains(run.RunId) || !Directory.Exists(dir) || SyntheticTrainer.Describe(dir) is not { } described) continue;
            IReadOnlyList<string> savedRuns = renamed is null ? described.Runs : [.. described.Runs.Select(id => renamed.GetValueOrDefault(id, id))];
            if (savedRuns.Count == 0 || savedRuns[0] != run.RunId || !savedRuns.All(id => byId.ContainsKey(id) && !taken.Contains(id)))
                continue;
            List<RunPlan> group = [.. savedRuns.Select(id => byId[id])];
            // The checkpoint's cells as it names them (an adopted run's earlier id), with the widths and seeds the runs have now.
            if (!TrainTogether(group.Select(r => r.Spec))
                || SyntheticTrainer.CheckpointStep(dir, [.. group.Select((r, i) => new CellSpec(described.Runs[i], r.Spec.Synthetic.Width, r.Spec.Seed))]) is null
                || SyntheticTrainer.Superseded(dir, group.Skip(1).Select(r => CheckpointOf(r.RunId))))
                continue;   // saved by runs whose spec has changed since, or stale: they train afresh
            kept.Add(group);
            taken.UnionWith(savedRuns);
        }
        if (kept.Count == 0) return Of(pending, jobs, isCpu);
        var order = pending.Select((r, i) => (r.RunId, i)).ToDictionary(p => p.RunId, p => p.i);
        var rest = Of([.. pending.Where(r => !taken.Contains(r.RunId))], Math.Max(1, jobs - kept.Count), isCpu);
        return [.. kept.Concat(rest).OrderBy(g => order[g[0].RunId])];
    }

    /// <summary>
    /// Splits buckets (sorted by width) until there are <paramref name="jobs"/> of them or none has two
    /// distinct widths left: each time the costliest bucket (overhead + cells · widest, in columns) is
    /// cut at the width boundary that best balances its two halves. Two half-size trainers on two
    /// cores beat one padded trainer on one (cpu-profile grid: 0.72 s as one bucket, 0.43 s as
    /// widths 2…24 beside 32, 48).
    /// </summary>
    /// <param name="overheadColumns">The step overhead of a bucket's cells (<see cref="OverheadColumns(int, int)"/>; equal within a bucket).</param>
    public static List<IReadOnlyList<T>> SplitForJobs<T>(IEnumerable<IReadOnlyList<T>> buckets, Func<T, int> width, int jobs,
        Func<T, double> overheadColumns)
    {
        double Cost(IReadOnlyList<T> b) => overheadColumns(b[0]) + b.Count * (double)b.Max(width);
        var result = buckets.Select(b => (IReadOnlyList<T>)[.. b.OrderBy(width)]).ToList();
        while (result.Count < jobs)
        {
            var splittable = result.Where(b => b.Select(width).Distinct().Count() > 1).ToList();
            if (splittable.Count == 0) break;
            var costliest = splittable.MaxBy(Cost)!;
            var cuts = Enumerable.Range(1, costliest.Count - 1).Where(i => width(costliest[i]) != width(costliest[i - 1]));
            int cut = cuts.MinBy(i => Math.Max(Cost([.. costliest.Take(i)]), Cost([.. costliest.Skip(i)])));
            int at = result.IndexOf(costliest);
            result[at] = [.. costliest.Take(cut)];
            result.Insert(at + 1, [.. costliest.Skip(cut)]);
        }
        return result;
    }

    /// <summary>
    /// A CPU step's fixed cost (launches, sampling, Adam's bookkeeping) in units of one encoder
    /// column's arithmetic: about 1.3 ms against 0.016 ms per column at D = 512, batch 256 on this
    /// project's CPU machine (one-cell steps: width 4 1.36 ms, width 512 9.4 ms), i.e. 82 columns
    /// there; a column's arithmetic scales with D · batch.
    /// </summary>
    public static double OverheadColumns(int inputDims, int batchSize) => 82.0 * (512.0 * 256) / ((double)inputDims * batchSize);

    static double OverheadColumns(PipelineSpec s) => OverheadColumns(s.Synthetic.Tasks * s.Synthetic.DimsPerTask, s.Train.BatchSize);

    /// <summary>
    /// On the CPU a batched step costs its cells' padded arithmetic and saves only per-step
    /// overhead, so a group is split into buckets: cells sorted by width join the current bucket
    /// while they are narrow enough for the overhead to matter (width &lt; overheadColumns) and the
    /// padding that joining adds (the bucket's cells widened to the new width) costs less than the
    /// overhead saved: cells · (width − bucket's widest) &lt; overheadColumns. Equal widths (seeds)
    /// always join. Measured (docs/benchmarks.md, K = 32): widths 4…32 together 1.38× faster than
    /// one at a time, but 64,96,128 0.88× and 192,256 0.93× (a padded bmm is less efficient than
    /// one cell's matmul once the arithmetic dominates), equal widths 1.0–1.2×; the whole Fig-2 grid
    /// as one bucket 0.34×. On a GPU per-kernel launches dominate: one bucket.
    /// </summary>
    public static IEnumerable<IReadOnlyList<T>> WidthBuckets<T>(IReadOnlyList<T> group, Func<T, int> width, double overheadColumns)
    {
        var bucket = new List<T>();
        foreach (var run in group.OrderBy(width))
        {
            int w = width(run);
            int widest = bucket.Count > 0 ? width(bucket[^1]) : w;
            if (w != widest && (w >= overheadColumns || bucket.Count * (double)(w - widest) >= overheadColumns))
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
