using System.Diagnostics;
using Retention.Artifacts;
using Retention.Tests.Host;

namespace Retention.Tests.Cluster;

/// <summary>`pipeline status` while a run ends. It read the run's status.json, then its provenance.json, then probed the
/// run's lock: a run that wrote its end and let go of its lock between the read and the probe was shown as interrupted
/// ("ended without a word"), exit 4, which a script polling until the exit is not 3 takes for the sweep's outcome. Here the
/// test holds the run's lock as its training process would, and the provenance.json is a named pipe: when `status` opens
/// it (its status.json read), the test writes the run's end and lets go of the lock, and only then gives the provenance.</summary>
public sealed class StatusRunEndsTests() : InTempFolder("status-ends-")
{
    static readonly TimeSpan Limit = TimeSpan.FromMinutes(3);
    static readonly TimeSpan Hung = TimeSpan.FromSeconds(45);   // a status takes a few seconds

    string Sweep => Path.Combine(dir, "artifacts", "syn");

    [SkippableFact]
    public void A_run_ending_while_status_looks_at_it_is_running_then_completed_never_interrupted()
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "named pipes made by mkfifo");
        File.WriteAllText(Path.Combine(dir, "syn.yaml"), string.Join('\n',
            "name: syn", "synthetic: {tasks: 4, dims_per_task: 2, width: 2}", "train: {steps: 100, batch_size: 8, log_every: 50}",
            "sweep: {seed: [0, 1]}") + "\n");
        var trained = CliProcess.Run(dir, Limit, "run", "syn.yaml", "--no-analysis");
        Assert.True(trained.Exit == 0, trained.Out + trained.Err);

        // seed-1 training, as a cluster task trains it: its lock held, no status.json yet.
        var runDir = Path.Combine(Sweep, "runs", "seed-1");
        var statusFile = Path.Combine(runDir, "status.json");
        var provenanceFile = Path.Combine(runDir, "provenance.json");
        var end = File.ReadAllText(statusFile);
        var provenance = File.ReadAllText(provenanceFile);
        File.Delete(statusFile);
        File.Delete(provenanceFile);
        using (var mkfifo = Process.Start("mkfifo", [provenanceFile])) mkfifo.WaitForExit();
        var training = SweepLock.Acquire(runDir);
        try
        {
            var ends = Task.Run(() =>
            {
                using var pipe = new FileStream(provenanceFile, FileMode.Open, FileAccess.Write);   // opens once `status` reads it
                File.WriteAllText(statusFile + ".tmp", end);
                File.Move(statusFile + ".tmp", statusFile);   // as the run writes it: whole, then its lock goes
                training.Dispose();
                pipe.Write(System.Text.Encoding.UTF8.GetBytes(provenance));
            });
            var status = CliProcess.Run(dir, Hung, "status", Sweep);
            Assert.True(ends.Wait(TimeSpan.FromSeconds(10)), "status never read the provenance.json");
            Assert.False(File.Exists(statusFile + ".tmp"));
            Assert.True(status.Exit == 3, status.Out + status.Err);   // not final: poll again
            Assert.Matches(@"seed-1\s+running", status.Out);
            Assert.DoesNotContain("interrupted", status.Out);
        }
        finally { training.Dispose(); }

        // The next poll: its end.
        File.Delete(provenanceFile);
        File.WriteAllText(provenanceFile, provenance);
        var after = CliProcess.Run(dir, Hung, "status", Sweep);
        Assert.True(after.Exit == 0, after.Out + after.Err);
        Assert.Matches(@"seed-1\s+completed", after.Out);
    }
}
