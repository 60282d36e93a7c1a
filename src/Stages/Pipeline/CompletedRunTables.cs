using Retention.Artifacts;
using Retention.Messages;
using Retention.Spec;

namespace Retention.Pipeline;

/// <summary>
/// Whether a completed run still has the tables it wrote. A resume and a resubmission skip completed runs, and `status`
/// counts them done, on their status.json alone; a table deleted or damaged since (a truncated copy, a disk error) would
/// then leave the analysis averaging over fewer runs without a word, so each of them checks the tables first.
/// </summary>
public static class CompletedRunTables
{
    /// <summary>The tables a run of <paramref name="spec"/> has once completed (swept.arrow aside: only a run of a sweep with keys has one).</summary>
    public static IReadOnlyList<string> Expected(PipelineSpec spec) => [.. RunTables.Of(spec).Select(t => t.Name)];

    /// <summary>The tables a completed run records in its status.json: its experiment's, and swept.arrow where its header wrote
    /// one. An analysis reading `swept` joins on it, so a run that lost it would drop out of those tables without a word.</summary>
    public static IReadOnlyList<string> Recorded(PipelineSpec spec, string runDir) =>
        [.. Expected(spec), .. File.Exists(Path.Combine(runDir, SweptValues.File)) ? [RunTables.SweptTable] : Array.Empty<string>()];

    /// <summary>What is wrong with the tables of the run in <paramref name="runDir"/> (trained under <paramref name="spec"/>):
    /// the first of the tables its status recorded (<paramref name="recorded"/>; the experiment's when it recorded none)
    /// that is missing or whose footer cannot be read, or null when there is none. Reads each file's footer only
    /// (milliseconds per run).</summary>
    public static string? Damage(string runDir, PipelineSpec spec, IReadOnlyList<string>? recorded = null)
    {
        foreach (var name in recorded ?? Expected(spec))
        {
            var path = Path.Combine(runDir, name + ".arrow");
            if (!File.Exists(path)) return $"{name}.arrow is missing";
            if (ArrowFooter.TryReadSchema(path, out var problem) is null) return $"{name}.arrow cannot be read ({problem!.Message})";
        }
        return null;
    }

    /// <summary>The completed runs among <paramref name="runs"/> whose tables are damaged, with what is wrong.</summary>
    /// <param name="endOf">A run's status.json (by run id) as the caller read it; read here where not given.</param>
    public static IReadOnlyList<(string Run, string Damage)> Damaged(IEnumerable<RunPlan> runs, Func<string, string> runDir, Func<string, RunStatus?>? endOf = null) =>
        [.. Examine(runs, runDir, endOf).Select(d => (d.Run, d.Damage))];

    /// <summary>As <see cref="Damaged"/>, with the tables a run lacks where its status recorded no list of them (an earlier
    /// version's, <see cref="RunStatus.Tables"/> null): those are checked against this version's, which it may not have written.</summary>
    static IReadOnlyList<(string Run, string Damage, IReadOnlyList<string> Unlisted)> Examine(IEnumerable<RunPlan> runs, Func<string, string> runDir,
        Func<string, RunStatus?>? endOf) =>
        [.. runs.Select(r => (Run: r, Status: endOf is null ? PipelineRunner.ReadStatus(runDir(r.RunId)) : endOf(r.RunId)))
                .Where(r => r.Status is { State: "completed" })
                .Select(r => (r.Run, r.Status, Damage: Damage(runDir(r.Run.RunId), r.Run.Spec, r.Status!.Tables)))
                .Where(d => d.Damage is not null)
                .Select(d => (d.Run.RunId, d.Damage!, d.Status!.Tables is not null ? (IReadOnlyList<string>)[]
                    : [.. Expected(d.Run.Spec).Where(t => !File.Exists(Path.Combine(runDir(d.Run.RunId), t + ".arrow")))]))];

    /// <summary>Refuses to keep completed runs whose tables are damaged, naming them and what to do; touches nothing. A table
    /// missing from a run whose status recorded no list of them may never have been written (an earlier version's run), which
    /// is said too, with what writes it.</summary>
    /// <exception cref="SweepContractException">Some completed run lacks a table or cannot have one read.</exception>
    /// <param name="endOf">A run's status.json (by run id) as the caller read it; read here where not given.</param>
    public static void RequireIntact(IEnumerable<RunPlan> runs, Func<string, string> runDir, string sweepDir, string action, Func<string, RunStatus?>? endOf = null)
    {
        var damaged = Examine(runs, runDir, endOf);
        if (damaged.Count == 0) return;
        var unlisted = damaged.Where(d => d.Unlisted.Count > 0).ToList();
        bool one = damaged.Count == 1;
        throw new SweepContractException(
            $"{Messages.Counted.Of(damaged.Count, "completed run")} of {sweepDir} no longer {(one ? "has every table it wrote" : "have every table they wrote")}, " +
            $"and {action} would keep {(one ? "it as it is" : "them as they are")}, " +
            $"so the analysis would leave {(one ? "its" : "their")} rows out without saying so: {Listing.FirstFew(damaged.Select(d => $"{d.Run} ({d.Damage})"))}; " +
            $"restore the files, or delete {(one ? "that run's directory" : "those runs' directories")} under {Path.Combine(sweepDir, Artifacts.ArtifactLayout.RunsDir)} to train {(one ? "it" : "them")} again" +
            (unlisted.Count == 0 ? ""
                : ". " + Analysis.OlderRunTables.Unrecorded([.. unlisted.Select(d => d.Run)], [.. unlisted.SelectMany(d => d.Unlisted).Distinct()])));
    }
}
