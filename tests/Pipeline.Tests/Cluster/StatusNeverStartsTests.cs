using Retention.Tests.Host;

namespace Retention.Tests.Cluster;

/// <summary>`pipeline status` on a submission whose tasks Slurm leaves pending for a reason it never clears
/// (PartitionConfig: asking more than any node of the partition has), through the CLI with stand-in Slurm commands. Such a
/// task was "pending" and kept the exit code at 3 for ever, so a script polling "until the exit code is not 3" never ended:
/// it is "will not start" now, says what to do, and counts as a failure once nothing else is queued or running.</summary>
public sealed class StatusNeverStartsTests() : InTempFolder("status-never-")
{
    static readonly TimeSpan Limit = TimeSpan.FromMinutes(3);

    [Fact]
    public void Tasks_that_will_never_start_end_the_poll_with_exit_1_once_nothing_else_is_queued()
    {
        File.WriteAllText(Path.Combine(dir, "syn.yaml"), string.Join('\n',
            "name: syn", "synthetic: {tasks: 4, dims_per_task: 2, width: 2}", "train: {steps: 100, batch_size: 8, log_every: 50}",
            "sweep: {train.lr: [0.003, 0.001]}",   // one task per run (runs of another lr do not train together)
            "analysis: {tables: [{name: final, sql: 'SELECT run, max(step) AS steps FROM metrics GROUP BY run'}]}") + "\n");
        // sbatch answers 4242 (the array), then 4243 (its analysis). squeue lists task 0 pending for the reason in the file
        // "reason0" and task 1 for PartitionConfig (its --Format rows), and the analysis job as pending on them (its %T|%r).
        var path = FakeSlurm.Path(Path.Combine(dir, "fake-bin"),
            ("sbatch", $"echo x >> '{dir}/sbatch.log'\necho $((4241 + $(wc -l < '{dir}/sbatch.log')))"),
            ("squeue", $"""
                        case "$*" in
                          *-O*) echo "4242|0|PENDING|$(cat '{dir}/reason0')|0"; echo '4242|1|PENDING|PartitionConfig|0' ;;
                          *%T*) echo 'PENDING|Dependency' ;;
                        esac
                        """),
            ("scontrol", "exit 1"));
        var env = new Dictionary<string, string?> { ["PATH"] = path };
        var submitted = CliProcess.Run(dir, Limit, env, ["submit", "syn.yaml", "--slurm"]);
        Assert.True(submitted.Exit == 0, submitted.Out + submitted.Err);
        var sweep = Path.Combine(dir, "artifacts", "syn");

        // The other task waits for a reason that passes: a poller goes on waiting.
        File.WriteAllText(Path.Combine(dir, "reason0"), "Priority");
        var waiting = CliProcess.Run(dir, Limit, env, ["status", sweep]);
        Assert.True(waiting.Exit == 3, waiting.Out + waiting.Err);
        Assert.Matches(@"lr-0\.001\s+will not start\s+job 4242_1 queued \(PartitionConfig: no node of the partition can give a task " +
                       @"what it asks for .*scancel the job and submit with less", waiting.Out);
        Assert.Contains("2 runs: 1 pending, 1 will not start", waiting.Out);
        Assert.Contains("analysis (job 4243): pending: starts when the array's tasks have ended", waiting.Out);

        // Only tasks that will not start are left queued, and the analysis job after them: nothing will end by itself.
        File.WriteAllText(Path.Combine(dir, "reason0"), "PartitionConfig");
        var stuck = CliProcess.Run(dir, Limit, env, ["status", sweep]);
        Assert.True(stuck.Exit == 1, stuck.Out + stuck.Err);
        Assert.Contains("2 runs: 2 will not start", stuck.Out);
        Assert.Contains("analysis (job 4243): pending: waits on the tasks that will not start; it starts once they are scancelled", stuck.Out);
    }
}
