using Retention.Artifacts;
using Retention.Pipeline;
using Retention.Spec;

namespace Retention.Host.Commands;

/// <summary>What `analyze` says after an analysis of a sweep whose runs have not all completed (a failed run, a stop, a run
/// never started): its tables hold only the rows those runs had written, which exit 0 and the printed tables did not show
/// (only `status` said it).</summary>
static class UnfinishedRuns
{
    /// <summary>The note, or null where every run completed.</summary>
    public static string? Note(IReadOnlyList<RunPlan> runs, string sweepDir)
    {
        var states = runs.Select(r => State(ArtifactLayout.RunDir(sweepDir, r.RunId))).ToList();
        var unfinished = states.Where(s => s != "completed").GroupBy(s => s).Select(g => $"{g.Count()} {g.Key}").ToList();
        if (unfinished.Count == 0) return null;
        int count = states.Count(s => s != "completed");
        return $"{count} of the sweep's {runs.Count} runs {(count == 1 ? "has" : "have")} not completed ({string.Join(", ", unfinished)}): " +
               $"the tables hold only the rows {(count == 1 ? "it" : "they")} had written; `pipeline status {sweepDir}` shows them";
    }

    static string State(string runDir)
    {
        if (!Directory.Exists(runDir)) return "not started";
        try { return PipelineRunner.ReadStatus(runDir)?.State ?? "not ended (running, stopped or killed)"; }
        catch (ArtifactException) { return "with an unreadable status.json"; }
    }
}
