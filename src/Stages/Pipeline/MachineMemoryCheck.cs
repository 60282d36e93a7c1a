using Retention.Artifacts;
using Retention.Messages;
using Retention.Spec;
using Retention.Synthetic;

namespace Retention.Pipeline;

/// <summary>
/// What `run` holds at once against this machine's memory. Loading checks each CPU run alone, but a synthetic sweep trains
/// in groups (<see cref="SweepGroups"/>: one batched trainer per group, every run padded to its widest) and --jobs N trains
/// N groups side by side in this process: ten seeds that each fit passed, then ran the machine out of memory. GPU runs are
/// not checked (their memory is the device's), nor `auto` ones unless the budget knows they pick the CPU (`run`'s, once
/// LibTorch loads: <see cref="MemoryBudget.Holds"/>), as one run is not. A --resume is checked for what it trains: not the
/// runs it skips as completed (those it adopts from a renamed folder too), and each synthetic checkpoint's runs as the one
/// group they were saved in, which may be larger than this attempt's --jobs would make it. Runs it adopts are not moved
/// yet: their checkpoint is read in their earlier folder (a sweep that gained a key, or a folder the user renamed), its
/// earlier ids taken as the new ones the resume renames them to; looked for under the new ids, it was not found and the
/// group was counted apart, as fresh runs are grouped, admitting a resume too large. A resume that would be refused anyway
/// (<see cref="ResumeRefusals"/>) is not refused for memory: fewer seeds would not mend it.
/// </summary>
public static class MachineMemoryCheck
{
    /// <summary>The error when the largest group of the sweep's CPU synthetic runs, or the <paramref name="jobs"/> largest
    /// together, need more than <paramref name="budget"/>; null when they fit or nothing is checked.</summary>
    /// <param name="jobs">Groups `run` trains at once (1 for `validate`, which checks what every `run` holds: the largest group).</param>
    /// <param name="jobsGiven">Whether --jobs was written (else the default, said so in the error).</param>
    /// <param name="resumeFrom">The sweep folder a `run --resume` continues; null when the run starts afresh.</param>
    public static SpecError? Error(LoadedPipeline pipeline, int jobs, MemoryBudget budget, bool jobsGiven = true, string? resumeFrom = null)
    {
        if (pipeline.Spec.Experiment != "synthetic") return null;
        string RunDir(string run) => ArtifactLayout.RunDir(resumeFrom ?? "", run);
        // Where the resume finds a run's status and tables: in the earlier run's folder for one it adopts under a new id.
        // A status that cannot be read: the resume refuses the sweep with that file's error before anything trains, which a
        // refusal here hid.
        Func<string, string> foundAt = RunDir;
        IReadOnlyDictionary<string, RunStatus?>? ends = null;
        IReadOnlyDictionary<string, string>? renamed = null;
        if (resumeFrom is not null)
        {
            try { (foundAt, ends) = ResumeRefusals.Found(pipeline, resumeFrom); }
            catch (SweepContractException) { return null; }
            renamed = SweepContract.Renamed(resumeFrom, pipeline).ToDictionary(r => Path.GetFileName(r.FromDir), r => r.To.RunId, StringComparer.Ordinal);
        }
        var runs = ends is null ? pipeline.Runs : [.. pipeline.Runs.Where(r => ends[r.RunId] is not { State: "completed" })];
        if (runs.Count < 2) return null;
        var error = Error(pipeline, runs, jobs, budget, jobsGiven, resumeFrom, foundAt, renamed);
        // A resume that is refused anyway (a changed spec, a completed run that lost a table, a sweep held by another process)
        // says that instead: checked only here, where the resume is about to be refused, so no resume reads its files twice.
        return error is not null && resumeFrom is not null && ResumeRefusals.Pending(pipeline, resumeFrom, foundAt, run => ends![run]) ? null : error;
    }

    /// <param name="runDir">Where the resume finds each run's folder (an adopted run's earlier one).</param>
    /// <param name="renamed">The runs it adopts: earlier id → new id (<see cref="SweepGroups.ForResume"/>).</param>
    static SpecError? Error(LoadedPipeline pipeline, IReadOnlyList<RunPlan> runs, int jobs, MemoryBudget budget, bool jobsGiven,
        string? resumeFrom, Func<string, string> runDir, IReadOnlyDictionary<string, string>? renamed)
    {
        // As the run groups them (TrainingPlan): split further for --jobs only where every run is on the CPU; a resume keeps
        // each checkpoint's runs together.
        bool parallel = jobs > 1 && runs.All(r => Training.Devices.IsCpu(r.Spec.Device));
        // Only the runs held to this memory are grouped (a group never mixes devices: the device is part of its spec):
        // grouping asks LibTorch what `auto` picks, which `validate`, whose budget does not tell, must not load.
        var groups = TrainingPlan.SyntheticGroups([.. runs.Where(r => budget.Holds(r.Spec.Device))], runDir, resume: resumeFrom is not null,
                clusterTask: false, parallel ? jobs : 1, renamed: renamed)
            .Select(g => (Runs: g, Need: ResourceEstimate.SyntheticGroupBytes(g)))
            .OrderByDescending(g => g.Need)
            .ToList();
        if (groups.Count == 0) return null;
        var largest = groups[0];
        const string Lower = ResourceEstimate.SyntheticLevers;
        if (largest.Need > budget.Bytes)
            return new SpecError(pipeline.SourceName, 0, 0, SpecSchema.SweepKey,
                $"{largest.Runs.Count} runs train at once ({ResourceEstimate.SyntheticGroup(largest.Runs)}) and need about {ResourceEstimate.GiB(largest.Need)}{budget.OnCpu(largest.Runs[0].Spec.Device)}, " +
                $"though one run alone needs {ResourceEstimate.GiB(largest.Need / largest.Runs.Count)}; {budget.Has} " +
                (resumeFrom is not null && SavedTogether(largest.Runs, runDir, renamed)
                    ? $"(they continue together from the checkpoint they were saved in, whatever --jobs: {budget.Or}resume on a machine " +
                      "with more memory, or run without --resume to train the sweep afresh in groups that fit)"
                    : $"({budget.Or}sweep fewer seeds, or {Lower})")) { Kind = SpecErrorKind.Memory };

        int atOnce = parallel ? Math.Min(jobs, groups.Count) : 1;
        double together = groups.Take(atOnce).Sum(g => g.Need);
        if (together <= budget.Bytes) return null;
        // The most groups that fit side by side, the largest first (at least one: it fits alone).
        int fits = Enumerable.Range(1, atOnce).Last(k => groups.Take(k).Sum(g => g.Need) <= budget.Bytes);
        string jobsSaid = jobsGiven ? $"--jobs {jobs}" : $"--jobs {jobs} (the default: cores / --threads)";
        return new SpecError(pipeline.SourceName, 0, 0, SpecSchema.SweepKey,
            $"{jobsSaid} trains {atOnce} groups at once, which need about {ResourceEstimate.GiB(together)} together{OnCpu(groups.Take(atOnce), budget)}; the largest, " +
            (largest.Runs.Count == 1 ? $"run {largest.Runs[0].RunId}, needs about {ResourceEstimate.GiB(largest.Need)} alone"
                : $"{largest.Runs.Count} runs ({ResourceEstimate.SyntheticGroup(largest.Runs)}), needs about {ResourceEstimate.GiB(largest.Need)} alone, and one run " +
                  ResourceEstimate.GiB(largest.Need / largest.Runs.Count)) +
            $"; {budget.Has} ({budget.Or}give --jobs {fits}, or {Lower})") { Kind = SpecErrorKind.Memory };
    }

    /// <summary>Why `auto` runs among these groups are held to this machine's memory, or nothing.</summary>
    static string OnCpu(IEnumerable<(IReadOnlyList<RunPlan> Runs, double Need)> groups, MemoryBudget budget) =>
        groups.SelectMany(g => g.Runs).Any(r => r.Spec.Device == "auto") ? budget.OnCpu("auto") : "";

    /// <summary>Whether these runs are the runs of the checkpoint kept in the first one's folder: a resume trains them together
    /// again as they were saved (<see cref="SweepGroups.ForResume"/>).</summary>
    static bool SavedTogether(IReadOnlyList<RunPlan> group, Func<string, string> runDir, IReadOnlyDictionary<string, string>? renamed) =>
        group.Count > 1 && SyntheticTrainer.Describe(Training.CheckpointFolder.Current(Training.CheckpointFolder.Of(runDir(group[0].RunId)))) is { } saved
        && saved.Runs.Select(id => renamed?.GetValueOrDefault(id, id) ?? id).SequenceEqual(group.Select(r => r.RunId));
}
