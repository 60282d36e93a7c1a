using Retention.Artifacts;
using Retention.Messages;
using Retention.Pipeline;
using Retention.Spec;

namespace Retention.Host.Commands;

/// <summary>What `analyze` and `advise` say after reading a sweep whose runs have not all completed (a failed run, a stop, a
/// run never started): the analysis's tables hold only the rows those runs had written, and the advice takes each one's last
/// evaluation as its final one; exit 0 and the printed tables did not show it (only `status` said it).</summary>
static class UnfinishedRuns
{
    /// <summary>`analyze`'s note, or null where every run completed.</summary>
    public static string? Note(IReadOnlyList<RunPlan> runs, string sweepDir) =>
        Note(runs, sweepDir, count => $"the tables hold only the rows {(count == 1 ? "it" : "they")} had written");

    /// <summary>`advise`'s note on one of the sweeps it pooled, or null where every run completed. The runs are those its
    /// saved pipeline.yaml plans, as `status` counts them; a sweep without a readable one (not written by `run` or
    /// `submit`, which status cannot show either) has no note.</summary>
    public static string? AdviceNote(string sweepDir)
    {
        IReadOnlyList<RunPlan> runs;
        try { runs = SpecLoader.Load(ArtifactLayout.SweepPipelineFile(sweepDir), stored: true, checkAnalysis: false).Runs; }
        catch (Exception e) when (Errors.IsUserFacing(e)) { return null; }
        return Note(runs, sweepDir, count => $"the advice takes the last evaluation {(count == 1 ? "it" : "each")} had written, if any, as its final one");
    }

    /// <param name="consequence">What the unfinished runs did to the output, given how many there are.</param>
    static string? Note(IReadOnlyList<RunPlan> runs, string sweepDir, Func<int, string> consequence)
    {
        var states = runs.Select(r => State(ArtifactLayout.RunDir(sweepDir, r.RunId))).ToList();
        var unfinished = states.Where(s => s != "completed").GroupBy(s => s).Select(g => $"{g.Count()} {g.Key}").ToList();
        if (unfinished.Count == 0) return null;
        int count = states.Count(s => s != "completed");
        return $"{count} of the sweep's {Counted.Of(runs.Count, "run")} {(count == 1 ? "has" : "have")} not completed ({string.Join(", ", unfinished)}): " +
               $"{consequence(count)}; `pipeline status {ShellWords.Quote(sweepDir)}` shows them";
    }

    static string State(string runDir)
    {
        if (!Directory.Exists(runDir)) return "not started";
        try { return PipelineRunner.ReadStatus(runDir)?.State ?? "not ended (running, stopped or killed)"; }
        catch (ArtifactException) { return "with an unreadable status.json"; }
    }
}
