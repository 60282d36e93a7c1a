using System.Text.RegularExpressions;

namespace Retention.Cluster;

/// <summary>
/// What the scheduler's end state of a task means, said where it is shown: "FAILED (exit 137:0)" is true and tells a
/// researcher nothing of what killed the task or what to change. Slurm's ExitCode is "script exit code:signal"; a batch
/// script whose training process was killed exits 128 + the signal's number.
/// </summary>
public static partial class SlurmEndState
{
    /// <summary><paramref name="endState"/> (<see cref="SlurmClient.EndState"/>'s "STATE (exit X:Y)") with what it means and
    /// what to do appended, or as it is when there is nothing to add.</summary>
    public static string Explain(string endState)
    {
        var m = Shape().Match(endState);
        if (!m.Success) return endState;
        string state = m.Groups["state"].Value;
        int? code = m.Groups["code"].Success ? int.Parse(m.Groups["code"].Value) : null;
        int? signal = m.Groups["signal"].Success ? int.Parse(m.Groups["signal"].Value) : null;
        var meaning = Meaning(state, signal is > 0 ? signal : code is > 128 and < 160 ? code - 128 : null);
        return meaning is null ? endState : $"{endState}: {meaning}";
    }

    static string? Meaning(string state, int? signal) => state switch
    {
        "OUT_OF_MEMORY" => "the task went over its memory limit; resubmit with a larger --mem (or a smaller batch_size)",
        "TIMEOUT" => "the time limit came before the task had checkpointed and requeued itself after its warning; " +
                     "resubmit with a longer --signal-lead (or --time)",
        "NODE_FAIL" => "its node failed; resubmit to continue",
        "PREEMPTED" => "preempted by a job of higher priority; resubmit to continue",
        "BOOT_FAIL" => "its node could not be booted; resubmit",
        "DEADLINE" => "it reached its --deadline",
        _ => signal switch
        {
            9 => "killed by SIGKILL (137 = 128 + 9), which no process can catch: the kernel's out-of-memory killer " +
                 "(the node's `dmesg` says), `scancel --signal=KILL`, or an administrator",
            15 => "stopped by SIGTERM before it could write its status: a `scancel` or the node shutting down",
            6 => "aborted (SIGABRT): a native crash, in LibTorch or the GPU driver; the task's log has its last lines",
            11 => "a segmentation fault (SIGSEGV): a native crash, in LibTorch or the GPU driver; the task's log has its last lines",
            7 => "a bus error (SIGBUS): a memory-mapped file shrank under it, or /dev/shm is full",
            _ => null,
        },
    };

    /// <summary>Whether Slurm will never start a task pending for this reason as it was asked for: it accepts a request no
    /// node of the partition can meet, or one over the partition's limits, and leaves it pending until it is cancelled.</summary>
    public static bool NeverStarts(string reason) =>
        reason is "PartitionConfig" or "BadConstraints" or "PartitionNodeLimit" or "PartitionTimeLimit";

    /// <summary>squeue's reason for a pending task, with what it means where Slurm will never start the task
    /// (<see cref="NeverStarts"/>), where `status` would otherwise say "queued" with nothing to do; any other reason as it is.</summary>
    public static string ExplainPending(string reason) => reason switch
    {
        "PartitionConfig" or "BadConstraints" or "PartitionNodeLimit" =>
            $"{reason}: no node of the partition can give a task what it asks for (--cpus-per-run, --mem, --gpus-per-run), " +
            "so it will not start; scancel the job and submit with less, or to another --partition",
        "PartitionTimeLimit" =>
            $"{reason}: --time is over the partition's limit, so it will not start; scancel the job and submit with a shorter --time",
        _ => reason,
    };

    [GeneratedRegex(@"^(?<state>[A-Z_]+)(?: by \d+)?(?: \(exit (?<code>\d+)(?::(?<signal>\d+))?\))?$")]
    private static partial Regex Shape();
}
