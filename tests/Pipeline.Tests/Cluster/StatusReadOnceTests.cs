using System.Diagnostics;
using Retention.Tests.Host;

namespace Retention.Tests.Cluster;

/// <summary>`pipeline status` and `pipeline submit` read each run's status.json once. `status` read a synthetic run that had not
/// completed twice (grouping its checkpoint as a resume would, then its state), and `submit` a completed run twice (its
/// tables check, then what counts as done; a data run three times): each judgement could see another file. The file is
/// made a named pipe here, fed exactly once: a second read waits for a writer that never comes, and the command hangs.</summary>
public sealed class StatusReadOnceTests() : InTempFolder("status-once-")
{
    static readonly TimeSpan Limit = TimeSpan.FromMinutes(3);
    static readonly TimeSpan Hung = TimeSpan.FromSeconds(45);   // a status or a dry run takes a few seconds

    string Sweep => Path.Combine(dir, "artifacts", "syn");

    /// <summary>syn.yaml, two synthetic runs trained to completion.</summary>
    void Trained()
    {
        File.WriteAllText(Path.Combine(dir, "syn.yaml"), string.Join('\n',
            "name: syn", "synthetic: {tasks: 4, dims_per_task: 2, width: 2}", "train: {steps: 100, batch_size: 8, log_every: 50}",
            "sweep: {seed: [0, 1]}") + "\n");
        var trained = CliProcess.Run(dir, Limit, "run", "syn.yaml", "--no-analysis");
        Assert.True(trained.Exit == 0, trained.Out + trained.Err);
    }

    /// <summary>Replaces the run's status.json with a named pipe that gives <paramref name="json"/> to one reader; the
    /// returned task ends once a reader has taken it.</summary>
    Task FedOnce(string run, string json)
    {
        var path = Path.Combine(Sweep, "runs", run, "status.json");
        File.Delete(path);
        using (var mkfifo = Process.Start("mkfifo", [path])) mkfifo.WaitForExit();
        return Task.Run(() => File.WriteAllText(path, json));   // opening blocks until a reader opens it
    }

    /// <summary>Runs the command, which must end on its own while the pipe was fed once, and read it.</summary>
    (int Exit, string Out, string Err) RunReadingOnce(Task fed, params string[] args)
    {
        var result = CliProcess.Run(dir, Hung, args);   // throws, naming the output, where it waits for a second feed
        Assert.True(fed.Wait(TimeSpan.FromSeconds(10)), "the command never read the status.json");
        return result;
    }

    [SkippableFact]
    public void Status_reads_an_unfinished_synthetic_run_s_status_once()
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "named pipes made by mkfifo");
        Trained();
        var failed = File.ReadAllText(Path.Combine(Sweep, "runs", "seed-1", "status.json"))
            .Replace("\"state\": \"completed\"", "\"state\": \"failed\"").Replace("\"error\": null", "\"error\": \"diverged at step 7\"");
        Assert.Contains("diverged at step 7", failed);

        var status = RunReadingOnce(FedOnce("seed-1", failed), "status", Sweep);
        Assert.True(status.Exit == 1, status.Out + status.Err);   // a run failed
        Assert.Matches(@"seed-1\s+failed\s+diverged at step 7", status.Out);
        Assert.Matches(@"seed-0\s+completed", status.Out);
    }

    [SkippableFact]
    public void Submit_reads_a_completed_run_s_status_once()
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "named pipes made by mkfifo");
        Trained();
        var completed = File.ReadAllText(Path.Combine(Sweep, "runs", "seed-0", "status.json"));
        // seed-1 trains again: the dry run's array has one task, seed-0 counted done.
        File.Delete(Path.Combine(Sweep, "runs", "seed-1", "status.json"));

        var submit = RunReadingOnce(FedOnce("seed-0", completed), "submit", "syn.yaml", "--slurm", "--dry-run");
        Assert.True(submit.Exit == 0, submit.Out + submit.Err);
        Assert.Contains("--array=0-0", submit.Out);
        Assert.Contains("# 1 task for 1 run (1 completed earlier, kept)", submit.Out);
        Assert.Contains("# task 0: seed-1", submit.Out);
    }
}
