using Retention.Artifacts;
using Retention.Tests.Host;

namespace Retention.Tests.Cluster;

/// <summary>`pipeline status` while a retry starts: a `run --resume` (or a cluster task) takes the run's lock, then prepares
/// (a data run fingerprints its data, seconds to minutes), and only then removes the earlier attempt's status.json. `status`
/// showed that earlier end meanwhile (failed: exit 1, interrupted: exit 4), which a script polling until the exit is not 3
/// takes for final. Here the test holds the locks as those processes do, with the earlier ends dated before them.</summary>
public sealed class StatusRetryStartsTests() : InTempFolder("status-retry-")
{
    static readonly TimeSpan Limit = TimeSpan.FromMinutes(3);

    string Sweep => Path.Combine(dir, "artifacts", "syn");

    string StatusFile(string run) => Path.Combine(Sweep, "runs", run, "status.json");

    /// <summary>An earlier attempt's end, written a minute before whatever holds the run now.</summary>
    void EndedEarlier(string run, string state)
    {
        File.WriteAllText(StatusFile(run), $$"""{"state": "{{state}}", "steps": 50, "seconds": 1, "error": "boom"}""");
        File.SetLastWriteTimeUtc(StatusFile(run), DateTime.UtcNow.AddMinutes(-1));
    }

    [Fact]
    public void A_run_held_again_after_it_failed_or_was_interrupted_is_running_until_its_holder_writes_an_end()
    {
        File.WriteAllText(Path.Combine(dir, "syn.yaml"), string.Join('\n',
            "name: syn", "synthetic: {tasks: 4, dims_per_task: 2, width: 2}", "train: {steps: 100, batch_size: 8, log_every: 50}",
            "sweep: {seed: [0, 1, 2]}") + "\n");
        var trained = CliProcess.Run(dir, Limit, "run", "syn.yaml", "--no-analysis");
        Assert.True(trained.Exit == 0, trained.Out + trained.Err);
        EndedEarlier("seed-1", "failed");
        EndedEarlier("seed-2", "interrupted");
        File.SetLastWriteTimeUtc(StatusFile("seed-0"), DateTime.UtcNow.AddMinutes(-1));

        // A local `run --resume` holding the sweep: seed-1 and seed-2 are trained again, seed-0 (completed) skipped.
        using (SweepLock.Acquire(Sweep))
        {
            var status = CliProcess.Run(dir, Limit, "status", Sweep);
            Assert.True(status.Exit == 3, status.Out + status.Err);   // not final: poll again
            Assert.Matches(@"seed-0\s+completed", status.Out);
            Assert.Matches(@"seed-1\s+running\s+starting again \(its attempt before ended failed at step 50\)", status.Out);
            Assert.Matches(@"seed-2\s+running\s+starting again \(its attempt before ended interrupted at step 50\)", status.Out);

            // An end the holder wrote itself (after it took the lock) is the run's end, shown as it is while the lock is held.
            File.WriteAllText(StatusFile("seed-2"), """{"state": "interrupted", "steps": 80, "seconds": 1}""");
            File.SetLastWriteTimeUtc(StatusFile("seed-2"), DateTime.UtcNow.AddMinutes(1));
            var own = CliProcess.Run(dir, Limit, "status", Sweep);
            Assert.True(own.Exit == 3, own.Out + own.Err);
            Assert.Matches(@"seed-2\s+interrupted\s+stopped at step 80", own.Out);
            Assert.Matches(@"seed-1\s+running", own.Out);
        }
        EndedEarlier("seed-2", "interrupted");

        // A cluster task holding seed-1's folder only: seed-1 is starting again; seed-2, held by nothing, ended interrupted.
        using (SweepLock.Acquire(Path.Combine(Sweep, "runs", "seed-1")))
        {
            var status = CliProcess.Run(dir, Limit, "status", Sweep);
            Assert.True(status.Exit == 3, status.Out + status.Err);
            Assert.Matches(@"seed-1\s+running\s+starting again", status.Out);
            Assert.Matches(@"seed-2\s+interrupted", status.Out);
        }

        // Let go without a new end (refused, say): the earlier ends are the runs' again.
        var after = CliProcess.Run(dir, Limit, "status", Sweep);
        Assert.True(after.Exit == 1, after.Out + after.Err);
        Assert.Matches(@"seed-1\s+failed\s+boom", after.Out);
        Assert.Matches(@"seed-2\s+interrupted", after.Out);
    }
}
