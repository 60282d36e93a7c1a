using Retention.Artifacts;
using Retention.Tests.Host;

namespace Retention.Tests.Advice;

/// <summary>`advise` holds every sweep it reads, but writes only into the one whose analysis/ gets its advice (by default the
/// first's; none with --output elsewhere). `status` on a sweep it only read said "analysis: running: pipeline advise" (exit 3,
/// as if something were being written there); it now says the sweep is being read, and the analysis line and exit code
/// are what they would be without the hold. The holder's line says which hold it is.</summary>
public sealed class AdviseReadHoldTests() : InTempFolder("advise-read-")
{
    static readonly TimeSpan Limit = TimeSpan.FromMinutes(3);

    string Owner(string sweep) => File.ReadAllText(Path.Combine(sweep, SweepLock.FileName + ".owner"));

    [Fact]
    public async Task Only_the_sweep_advice_is_written_into_is_held_as_written()
    {
        var first = Path.Combine(dir, "first");
        var second = Path.Combine(dir, "second");
        await OlmoSweepFiles.Write(first);
        await OlmoSweepFiles.Write(second);
        // The same runs in both (a copy) are refused only after the holds are taken: each line is left as the hold wrote it.
        CliProcess.Run(dir, Limit, "advise", first, second);
        Assert.EndsWith($"({SweepLock.ForAdvice})\n", Owner(first));
        Assert.EndsWith($"({SweepLock.ForReading})\n", Owner(second));

        // --output elsewhere: neither is written. A sweep's analysis/ named as --output is that sweep's, however spelt.
        var alone = CliProcess.Run(dir, Limit, "advise", first, "--output", "elsewhere");
        Assert.True(alone.Exit == 0, alone.Out + alone.Err);
        Assert.EndsWith($"({SweepLock.ForReading})\n", Owner(first));
        var named = CliProcess.Run(dir, Limit, "advise", first, "--output", Path.Combine("first", ".", "analysis") + Path.DirectorySeparatorChar);
        Assert.True(named.Exit == 0, named.Out + named.Err);
        Assert.EndsWith($"({SweepLock.ForAdvice})\n", Owner(first));
    }

    [Fact]
    public void Status_says_a_sweep_only_read_is_being_read_and_keeps_its_analysis_line_and_exit_code()
    {
        File.WriteAllText(Path.Combine(dir, "syn.yaml"), string.Join('\n',
            "name: syn", "synthetic: {tasks: 4, dims_per_task: 2, width: 2}", "train: {steps: 100, batch_size: 8, log_every: 50}",
            "analysis: {tables: [{name: final, sql: 'SELECT run, max(step) AS steps FROM metrics GROUP BY run'}]}") + "\n");
        Assert.Equal(0, CliProcess.Run(dir, Limit, "run", "syn.yaml").Exit);
        var sweep = Path.Combine(dir, "artifacts", "syn");
        var free = CliProcess.Run(dir, Limit, "status", sweep);
        Assert.Equal(0, free.Exit);

        // The hold advise takes on a sweep it only reads, held here in-process as AdviseLockTests holds the writing one.
        using (SweepLock.Acquire(sweep, SweepLock.ForReading))
        {
            var status = CliProcess.Run(dir, Limit, "status", sweep);
            Assert.True(status.Exit == 0, status.Out + status.Err);   // was 3, an analysis running
            Assert.DoesNotContain("running", status.Out);
            Assert.Equal(Lines(free.Out).Single(l => l.StartsWith("analysis: completed: ", StringComparison.Ordinal)),
                Lines(status.Out).Single(l => l.StartsWith("analysis: ", StringComparison.Ordinal)));
            Assert.Contains($"sweep: being read by pipeline advise (pid {Environment.ProcessId} ", status.Out);
            Assert.Contains($"({SweepLock.ForReading})); it writes nothing here", status.Out);
            // Held against a run all the same (its runs would move aside under the advice).
            var run = CliProcess.Run(dir, Limit, "run", "syn.yaml");
            Assert.True(run.Exit == 1, run.Out + run.Err);
            Assert.Contains("is in use by another pipeline process", run.Err);
        }
        Assert.DoesNotContain("being read", CliProcess.Run(dir, Limit, "status", sweep).Out);
    }

    static string[] Lines(string text) => text.Split('\n', StringSplitOptions.TrimEntries);
}
