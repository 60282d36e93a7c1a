using System.Text.RegularExpressions;

namespace Retention.Tests.Host;

/// <summary>Runs batched into one group (one program, or one Slurm task) stop together when one of them fails: `status`
/// says the failed run's error for it, and for the others that they stopped with their group, naming that run, with
/// its error kept (before, each showed the failed run's error as if it were its own).</summary>
public class GroupFailureStatusTests() : InTempFolder("group-failure-status-")
{
    static readonly TimeSpan Limit = TimeSpan.FromMinutes(3);

    [Fact]
    public void The_runs_a_failing_run_stopped_say_they_stopped_with_their_group_naming_it()
    {
        // Two seeds of one width train together; lr 1e6 diverges (the guard stops the first run it sees go, at its first log).
        File.WriteAllText(Path.Combine(dir, "g.yaml"), string.Join('\n',
            "name: g", "synthetic: {tasks: 6, dims_per_task: 4, width: 3}",
            "train: {steps: 20000, batch_size: 16, log_every: 500, lr: 1000000}",
            "sweep: {seed: [0, 1]}") + "\n");
        var run = CliProcess.Run(dir, Limit, "run", "g.yaml", "--no-analysis");
        Assert.True(run.Exit == 1, run.Out + run.Err);

        var status = CliProcess.Run(dir, Limit, "status", "artifacts/g");
        Assert.True(status.Exit == 1, status.Out + status.Err);
        var lines = status.Out.Split('\n').Select(l => l.Trim()).Where(l => l.StartsWith("seed-", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, lines.Count);
        // The run that failed: its own error, naming it.
        var failed = Assert.Single(lines, l => Regex.IsMatch(l, @"^(seed-\d)\s+failed\s+stage 'train' failed: training loss \S+ at step \d+ in run 'seed-\d'"));
        var culprit = failed.Split(' ')[0];
        Assert.Contains($"in run '{culprit}'", failed);
        // The other: stopped with its group when that run failed, the error still there.
        var stopped = Assert.Single(lines, l => l != failed);
        Assert.Matches($@"^seed-\d\s+failed\s+stopped with its group \(its runs train together\) when run '{culprit}' failed: " +
                       $@"stage 'train' failed: training loss \S+ at step \d+ in run '{culprit}'", stopped);
    }
}
