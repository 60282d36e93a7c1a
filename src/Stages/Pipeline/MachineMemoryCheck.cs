using Retention.Messages;
using Retention.Spec;

namespace Retention.Pipeline;

/// <summary>
/// What `run` holds at once against this machine's memory. Loading checks each CPU run alone, but a synthetic sweep trains
/// in groups (<see cref="SweepGroups"/>: one batched trainer per group, every run padded to its widest) and --jobs N trains
/// N groups side by side in this process: ten seeds that each fit passed, then ran the machine out of memory. GPU runs are
/// not checked (their memory is the device's), nor `auto` ones (the device they get is known only once they start), as
/// one run is not.
/// </summary>
public static class MachineMemoryCheck
{
    /// <summary>The error when the largest group of the sweep's CPU synthetic runs, or the <paramref name="jobs"/> largest
    /// together, need more than <paramref name="budget"/>; null when they fit or nothing is checked.</summary>
    /// <param name="jobs">Groups `run` trains at once (1 for `validate`, which checks what every `run` holds: the largest group).</param>
    /// <param name="jobsGiven">Whether --jobs was written (else the default, said so in the error).</param>
    public static SpecError? Error(LoadedPipeline pipeline, int jobs, MemoryBudget budget, bool jobsGiven = true)
    {
        var runs = pipeline.Runs;
        if (pipeline.Spec.Experiment != "synthetic" || runs.Count < 2) return null;
        // As the run groups them (TrainingPlan): split further for --jobs only where every run is on the CPU.
        bool parallel = jobs > 1 && runs.All(r => Training.Devices.IsCpu(r.Spec.Device));
        var groups = SweepGroups.Of(runs, parallel ? jobs : 1)
            .Where(g => g.All(r => r.Spec.Device == "cpu"))
            .Select(g => (Runs: g, Need: ResourceEstimate.SyntheticGroupBytes(g)))
            .OrderByDescending(g => g.Need)
            .ToList();
        if (groups.Count == 0) return null;
        var largest = groups[0];
        string What(IReadOnlyList<RunPlan> g) =>
            $"{Listing.FirstFew(g.Select(r => r.RunId))}: one batched trainer, each run padded to width {g.Max(r => r.Spec.Synthetic.Width)}";
        const string Lower = "lower train.batch_size, synthetic.width, or the input dimensions: synthetic.tasks × dims_per_task";
        if (largest.Need > budget.Bytes)
            return new SpecError(pipeline.SourceName, 0, 0, SpecSchema.SweepKey,
                $"{largest.Runs.Count} runs train at once ({What(largest.Runs)}) and need about {ResourceEstimate.GiB(largest.Need)}, " +
                $"though one run alone needs {ResourceEstimate.GiB(largest.Need / largest.Runs.Count)}; {budget.Has} " +
                $"({budget.Or}sweep fewer seeds, or {Lower})");

        int atOnce = parallel ? Math.Min(jobs, groups.Count) : 1;
        double together = groups.Take(atOnce).Sum(g => g.Need);
        if (together <= budget.Bytes) return null;
        // The most groups that fit side by side, the largest first (at least one: it fits alone).
        int fits = Enumerable.Range(1, atOnce).Last(k => groups.Take(k).Sum(g => g.Need) <= budget.Bytes);
        string jobsSaid = jobsGiven ? $"--jobs {jobs}" : $"--jobs {jobs} (the default: cores / --threads)";
        return new SpecError(pipeline.SourceName, 0, 0, SpecSchema.SweepKey,
            $"{jobsSaid} trains {atOnce} groups at once, which need about {ResourceEstimate.GiB(together)} together; the largest, " +
            (largest.Runs.Count == 1 ? $"run {largest.Runs[0].RunId}, needs about {ResourceEstimate.GiB(largest.Need)} alone"
                : $"{largest.Runs.Count} runs ({What(largest.Runs)}), needs about {ResourceEstimate.GiB(largest.Need)} alone, and one run " +
                  ResourceEstimate.GiB(largest.Need / largest.Runs.Count)) +
            $"; {budget.Has} ({budget.Or}give --jobs {fits}, or {Lower})");
    }
}
