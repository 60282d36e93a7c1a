using Retention.Advice;
using Retention.Artifacts;

namespace Retention.Tests.Host;

/// <summary>A SIGKILLed `advise` into a sweep's analysis/ left its .advise-staging/ there until the next advise; an analysis
/// without analysis.advise never removed it. `analyze` holds the sweep as an advice into it does, so a staging folder it finds
/// is a killed advise's: it removes it and says so; while the advise lives (here stopped mid-staging), analyze is refused
/// and the folder stays.</summary>
public sealed class KilledAdviseStagingTests() : InTempFolder("killed-advise-staging-")
{
    static readonly TimeSpan Limit = TimeSpan.FromMinutes(3);

    string Sweep => Path.Combine(dir, "artifacts", "mix");
    string Staging => Path.Combine(Sweep, ArtifactLayout.AnalysisDir, AdviceReport.StagingDir);

    [Fact]
    public void Analyze_removes_a_killed_advises_staging_folder_but_not_a_live_ones()
    {
        File.WriteAllText(Path.Combine(dir, "mix.yaml"), """
            name: mix
            device: cpu
            synthetic: {tasks: 2, dims_per_task: 2, width: 1, rare: {frequency: 0.05}}
            train: {steps: 10, batch_size: 8, log_every: 10}
            analysis:
              tables:
                - {name: last, sql: "SELECT run, max(step) AS steps FROM metrics GROUP BY run"}
            """);
        var run = CliProcess.Run(dir, Limit, "run", "mix.yaml", "--no-analysis");
        Assert.True(run.Exit == 0, run.Out + run.Err);
        var output = Path.Combine("artifacts", "mix", ArtifactLayout.AnalysisDir);

        // The staging folder lives while the advice's tables and plot are written and read back: long enough that each of 6
        // runs of this test stopped the first advise (at a load of 8–12 on 2 cores, 3 of them with two busy loops added).
        // Advise again until one is stopped (SIGSTOP) while it is there, judged once all its threads are stopped, so a folder
        // seen then is one the advise can no longer remove (a thread inside a system call when the signal came finishes it).
        CliProcess? advise = null;
        for (int attempt = 0; attempt < 20 && advise is null; attempt++)
        {
            var p = CliProcess.Start(dir, "advise", Path.Combine("artifacts", "mix", "pipeline.yaml"), "--output", output);
            while (!p.HasExited && !Directory.Exists(Staging)) Thread.SpinWait(100);
            if (!p.HasExited) p.Stop(Limit);
            if (Directory.Exists(Staging) && !p.HasExited) advise = p;
            else
            {
                if (!p.HasExited) p.Signal(18);   // stopped just after its staging went: let it finish
                p.WaitForExit(Limit);
                p.Dispose();
            }
        }
        Assert.True(advise is not null, "no advise stopped while staging in 20 tries");
        using (advise)
        {
            // Live: it holds the sweep, so analyze is refused and its staging folder stays.
            var refused = CliProcess.Run(dir, Limit, "analyze", Path.Combine("artifacts", "mix"));
            Assert.NotEqual(0, refused.Exit);
            Assert.Contains($"pid {advise.Id}", refused.Err);
            Assert.True(Directory.Exists(Staging));

            advise.KillHard();
        }
        Assert.True(Directory.Exists(Staging), "SIGKILL leaves the staging folder");
        var analyze = CliProcess.Run(dir, Limit, "analyze", Path.Combine("artifacts", "mix"));
        Assert.True(analyze.Exit == 0, analyze.Out + analyze.Err);
        Assert.Contains($"note: removed {Path.Combine(output, AdviceReport.StagingDir)}, which an advice killed while writing its files left", analyze.Err);
        Assert.False(Directory.Exists(Staging));
    }
}
