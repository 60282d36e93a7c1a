using Retention.Tests.Host;
using Retention.Tests.Pipeline;

namespace Retention.Tests.Advice;

/// <summary>`pipeline advise SWEEP` over a sweep whose runs have not all completed pools each one's last evaluation as if it
/// were final, and says so after its tables as `analyze` says it (AnalyzeUnfinishedRunsTests): it said nothing, exit 0.</summary>
public sealed class AdviseUnfinishedRunsTests() : InTempFolder("advise-unfinished-")
{
    static readonly TimeSpan Limit = TimeSpan.FromMinutes(3);

    [Fact]
    public void Advise_notes_the_runs_that_did_not_complete()
    {
        File.WriteAllText(Path.Combine(dir, "tiny.yaml"), TinyCorpus.TinyOlmo(dir) + "\nsweep: {seed: [0, 1]}\n");
        var run = CliProcess.Run(dir, Limit, "run", "tiny.yaml");
        Assert.True(run.Exit == 0, run.Err + run.Out);
        var sweep = Path.Combine("artifacts", "tiny");

        // Every run completed: nothing to note.
        var complete = CliProcess.Run(dir, Limit, "advise", sweep);
        Assert.True(complete.Exit == 0, complete.Err + complete.Out);
        Assert.DoesNotContain("note:", complete.Err);

        // A run killed after its evaluations leaves no status.json (a run removes it as it starts, and writes it as it ends).
        File.Delete(Path.Combine(dir, sweep, "runs", "seed-1", "status.json"));
        var killed = CliProcess.Run(dir, Limit, "advise", sweep);
        Assert.True(killed.Exit == 0, killed.Err + killed.Out);
        Assert.Contains("note: 1 of the sweep's 2 runs has not completed (1 not ended (running, stopped or killed)): the advice takes the " +
            $"last evaluation it had written, if any, as its final one; `pipeline status {sweep}` shows them", killed.Err);
    }
}
