using Retention.Artifacts;
using Retention.Tests.Host;

namespace Retention.Tests.Cluster;

/// <summary>`pipeline submit` holds the sweep while it readies its folder for the jobs it queues. It held it with no purpose,
/// as a local `pipeline run` training does, so `status` meanwhile counted every unfinished run as running (exit 3) and said
/// the run's own analysis was running. It holds it as a submission now: the runs are shown as they are, and a line says
/// submit is writing the sweep.</summary>
public sealed class StatusSubmitHoldTests() : InTempFolder("status-submit-")
{
    static readonly TimeSpan Limit = TimeSpan.FromMinutes(3);

    string Sweep => Path.Combine(dir, "artifacts", "syn");

    void WritePipeline() => File.WriteAllText(Path.Combine(dir, "syn.yaml"), string.Join('\n',
        "name: syn", "synthetic: {tasks: 4, dims_per_task: 2, width: 2}", "train: {steps: 100, batch_size: 8, log_every: 50}",
        "sweep: {seed: [0, 1]}") + "\n");

    [Fact]
    public void Submit_holds_the_sweep_as_a_submission()
    {
        WritePipeline();
        var path = FakeSlurm.Path(Path.Combine(dir, "fake-bin"), ("sbatch", "echo 4242"), ("squeue", "exit 0"));
        var submitted = CliProcess.Run(dir, Limit, new Dictionary<string, string?> { ["PATH"] = path }, ["submit", "syn.yaml", "--slurm"]);
        Assert.True(submitted.Exit == 0, submitted.Out + submitted.Err);
        // The holder's line stays after the lock is released: the submit's, with what it held the sweep for.
        var owner = File.ReadAllText(Path.Combine(Sweep, SweepLock.FileName + ".owner"));
        Assert.EndsWith("(submission)\n", owner);
    }

    [Fact]
    public void While_submit_holds_the_sweep_status_shows_the_runs_as_they_are_and_says_submit_writes_it()
    {
        WritePipeline();
        var trained = CliProcess.Run(dir, Limit, "run", "syn.yaml", "--no-analysis");
        Assert.True(trained.Exit == 0, trained.Out + trained.Err);
        File.Delete(Path.Combine(Sweep, "runs", "seed-1", "status.json"));   // killed mid-training: its start recorded, no end

        using (SweepLock.Acquire(Sweep, SweepLock.ForSubmission))
        {
            var status = CliProcess.Run(dir, Limit, "status", Sweep);
            Assert.True(status.Exit == 4, status.Out + status.Err);   // nothing trains: final until the jobs run
            Assert.Matches(@"seed-0\s+completed", status.Out);
            Assert.Matches(@"seed-1\s+interrupted", status.Out);
            Assert.DoesNotContain("running", status.Out);
            Assert.Contains($"sweep: being written by pipeline submit (pid {Environment.ProcessId} ", status.Out);
        }
        // The same hold for training: the killed run is running (what a submission's hold must not be taken for).
        using (SweepLock.Acquire(Sweep))
            Assert.Matches(@"seed-1\s+running", CliProcess.Run(dir, Limit, "status", Sweep).Out);
    }
}
