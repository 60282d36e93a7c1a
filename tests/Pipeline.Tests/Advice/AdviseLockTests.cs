using Retention.Artifacts;
using Retention.Tests.Host;

namespace Retention.Tests.Advice;

/// <summary>`pipeline advise SWEEP` writes into the sweep's analysis/, so it takes the sweep as `analyze` does: refused while
/// another analysis (or advice) holds it, or a run trains it, with analyze's words; held while it writes, so `status` names
/// it and a `run` or `analyze` started meanwhile is refused. Without the hold their files interleaved in analysis/. With
/// --output elsewhere it reads the sweep all the same, and holds it the same: it used to take no hold, and pooled the
/// latest evaluations of runs still training as their final ones.</summary>
public sealed class AdviseLockTests() : InTempFolder("advise-lock-")
{
    static readonly TimeSpan Limit = TimeSpan.FromMinutes(3);

    string Sweep => Path.Combine(dir, "sweep");

    Task Write() => OlmoSweepFiles.Write(Sweep);

    string Advice => Path.Combine(Sweep, "analysis", "advice_boundaries.arrow");

    [Fact]
    public async Task Advise_is_refused_while_an_analysis_or_a_training_run_holds_the_sweep_as_analyze_is()
    {
        await Write();
        using (SweepLock.Acquire(Sweep, SweepLock.ForAnalysis))
        {
            var advise = CliProcess.Run(dir, Limit, "advise", Sweep);
            Assert.True(advise.Exit == 1, advise.Out + advise.Err);   // as analyze exits on it (AnalyzeLockTests)
            Assert.Contains("is in use by another pipeline process", advise.Err);
            Assert.Contains("(analysis)", advise.Err);
            Assert.EndsWith("(analysis)); wait for it to finish (`pipeline status` shows it), then advise again", advise.Err.Trim());   // no --artifacts
            Assert.False(File.Exists(Advice));
        }
        using (SweepLock.Acquire(Sweep))
        {
            var advise = CliProcess.Run(dir, Limit, "advise", Sweep);
            Assert.True(advise.Exit == 1, advise.Out + advise.Err);
            Assert.Contains("is being trained by another pipeline process", advise.Err);
            Assert.Contains("or advise after it", advise.Err);
            Assert.False(File.Exists(Advice));
            // Elsewhere than the sweep's analysis/, the sweep is read all the same: refused with the same words, nothing written.
            var elsewhere = CliProcess.Run(dir, Limit, "advise", Sweep, "--output", "elsewhere");
            Assert.True(elsewhere.Exit == 1, elsewhere.Out + elsewhere.Err);
            Assert.Contains("is being trained by another pipeline process", elsewhere.Err);
            Assert.False(Directory.Exists(Path.Combine(dir, "elsewhere")));
        }
        var free = CliProcess.Run(dir, Limit, "advise", Sweep);
        Assert.True(free.Exit == 0, free.Out + free.Err);
        Assert.True(File.Exists(Advice));
        // It held the sweep while it wrote: the holder's line stays after the release, naming advise's purpose.
        Assert.EndsWith($"({SweepLock.ForAdvice})\n", File.ReadAllText(Path.Combine(Sweep, SweepLock.FileName + ".owner")));
    }

    [Fact]
    public async Task A_second_sweep_pooled_is_held_too_and_refused_while_another_analysis_holds_it()
    {
        await Write();
        var second = Path.Combine(dir, "second");
        await OlmoSweepFiles.Write(second);
        using (SweepLock.Acquire(second, SweepLock.ForAnalysis))
        {
            var pooled = CliProcess.Run(dir, Limit, "advise", Sweep, second, "--output", "elsewhere");
            Assert.True(pooled.Exit == 1, pooled.Out + pooled.Err);
            Assert.Contains($"{second} is in use by another pipeline process", pooled.Err);
            Assert.False(File.Exists(Advice));
            Assert.False(Directory.Exists(Path.Combine(dir, "elsewhere")));
        }
        // Once free, the holds are taken and the advice reads both (the same runs in both: refused as copies, its own check).
        var free = CliProcess.Run(dir, Limit, "advise", Sweep, second, "--output", "elsewhere");
        Assert.Contains("one is likely a copy of the other", free.Err);
    }

    [Fact]
    public void While_advise_holds_the_sweep_a_run_and_analyze_are_refused_and_status_names_advise()
    {
        File.WriteAllText(Path.Combine(dir, "syn.yaml"), string.Join('\n',
            "name: syn", "synthetic: {tasks: 4, dims_per_task: 2, width: 2}", "train: {steps: 100, batch_size: 8, log_every: 50}",
            "analysis: {tables: [{name: final, sql: 'SELECT run, max(step) AS steps FROM metrics GROUP BY run'}]}") + "\n");
        var trained = CliProcess.Run(dir, Limit, "run", "syn.yaml");
        Assert.True(trained.Exit == 0, trained.Out + trained.Err);
        var sweep = Path.Combine(dir, "artifacts", "syn");
        // The hold advise takes while it writes, held here in-process as AnalyzeLockTests holds analyze's.
        using var held = SweepLock.Acquire(sweep, SweepLock.ForAdvice);
        var analyze = CliProcess.Run(dir, Limit, "analyze", sweep);
        Assert.True(analyze.Exit == 1, analyze.Out + analyze.Err);
        Assert.Contains("is in use by another pipeline process", analyze.Err);
        Assert.DoesNotContain("being trained", analyze.Err);
        var run = CliProcess.Run(dir, Limit, "run", "syn.yaml");
        Assert.True(run.Exit == 1, run.Out + run.Err);
        Assert.Contains("is in use by another pipeline process", run.Err);
        var status = CliProcess.Run(dir, Limit, "status", sweep);
        Assert.True(status.Out.Contains($"analysis: running: pipeline advise (pid {Environment.ProcessId} "), status.Out);
        Assert.Contains(": 1 completed", status.Out);   // its run is not taken for running
    }
}
