using System.Runtime.InteropServices;

namespace Retention.Host;

/// <summary>
/// Ctrl+C, SIGTERM and SIGUSR1 (Slurm's time-limit or preemption warning, `--signal=B:USR1@N`,
/// forwarded by the job script of `pipeline submit`): the first asks the work to stop (training stops, the Arrow files are
/// completed and the analysis runs on what exists), bounded by <see cref="Grace"/>; a second one,
/// or the end of the grace period, exits at once with 130, saying that no analysis runs then. System.CommandLine's own handler would
/// kill the process 2 s after the first signal, before any analysis could finish.
/// </summary>
public sealed class Interrupt : IDisposable
{
    readonly CancellationTokenSource stop = new();
    readonly PosixSignalRegistration[] registrations;
    int signals;

    readonly string command, winding, atOnce;

    Interrupt(string command)
    {
        (this.command, winding, atOnce) = (command, WindDown(command), AtOnce(command));
        registrations = OperatingSystem.IsWindows()
            ? [PosixSignalRegistration.Create(PosixSignal.SIGINT, Handle), PosixSignalRegistration.Create(PosixSignal.SIGTERM, Handle)]
            : [PosixSignalRegistration.Create(PosixSignal.SIGINT, Handle), PosixSignalRegistration.Create(PosixSignal.SIGTERM, Handle),
               PosixSignalRegistration.Create(SigUsr1, Handle)];
    }

    /// <summary>How long the work may go on after the first signal (env PIPELINE_STOP_GRACE_S, default 120 s).</summary>
    public static TimeSpan Grace => TimeSpan.FromSeconds(GraceSetting is { } s ? s : 120);

    static double? GraceSetting =>
        double.TryParse(Environment.GetEnvironmentVariable("PIPELINE_STOP_GRACE_S"), System.Globalization.CultureInfo.InvariantCulture, out var s)
        && s > 0 && double.IsFinite(s) ? s : null;

    /// <summary>Said with the stop when PIPELINE_STOP_GRACE_S is set but not a usable number of seconds.</summary>
    static string GraceNote => Environment.GetEnvironmentVariable("PIPELINE_STOP_GRACE_S") is { Length: > 0 } given && GraceSetting is null
        ? $"; PIPELINE_STOP_GRACE_S='{given}' is not a positive number of seconds, so 120 s" : "";

    /// <summary>What the first signal starts, in the stopped command's terms: only a run or a cluster task has an analysis to run.</summary>
    public static string WindDown(string command) => command switch
    {
        "run" or "task" => "completing the files written so far, then the analysis where there is one",
        // Their output folder is replaced whole or not at all (StagedOutput): a stop keeps the earlier one.
        _ when command.StartsWith("data ", StringComparison.Ordinal) => "removing the unfinished output; an earlier one stays as it was",
        _ when command.StartsWith("bench", StringComparison.Ordinal) => "ending at the next step; nothing is recorded",
        _ => "completing the files written so far",
    };

    /// <summary>What an exit before the wind-down ends leaves, in the terms of the command that was stopped
    /// (<paramref name="command"/>: its name after `pipeline`, e.g. "run" or "data tokenize"): the log had said the
    /// files would be completed, and for a sweep that the analysis would run.</summary>
    public static string AtOnce(string command) => command switch
    {
        // A run stopped at once keeps only its last checkpoint: one that had none yet trains again from step 0, as status says.
        "run" or "task" => "files still being written are left as a kill leaves them: `run --resume` continues each unfinished run " +
                           "from its last checkpoint, from step 0 where it has none yet (`pipeline status SWEEP_DIR` says which), " +
                           "and no analysis runs (`pipeline analyze SWEEP_DIR` runs it later)",
        "analyze" => "analysis tables still being written are not put in place (each replaces the old one whole when it is complete); " +
                     "run `pipeline analyze` again for them",
        _ => "files still being written are not completed (each is written under a .tmp name and only then put in place); " +
             "run the command again for them",
    };

    /// <summary>How to stop at once, said with the first signal's wind-down, in the terms of the signal that came: a `kill`
    /// (SIGTERM) was told to press Ctrl+C, which whoever sent it may have no terminal for.</summary>
    public static string Again(string command, PosixSignal signal) =>
        // A cluster task has no terminal to press Ctrl+C in, and scancel's SIGTERM is followed by Slurm's SIGKILL after KillWait.
        command == "task"
            ? "after scancel's SIGTERM, Slurm kills the task once its KillWait has passed, 30 s by default; a warning (SIGUSR1) leaves the whole time"
            : signal switch
            {
                PosixSignal.SIGINT => "press Ctrl+C again to stop at once",
                PosixSignal.SIGTERM => "a second SIGTERM or Ctrl+C stops at once",
                _ => "a second signal (Ctrl+C, SIGTERM) stops at once",
            };

    public CancellationToken Token => stop.Token;

    static volatile bool written;

    /// <summary>Said by a command once everything it writes is written (a run's files and analysis): a signal after it
    /// loses nothing, and the stop says so instead of what an unfinished one would leave.</summary>
    public static void WorkWritten() => written = true;

    string Left => written ? "everything was written already" : atOnce;

    /// <summary>SIGUSR1's number (10 on Linux, 30 on macOS and the BSDs): .NET takes raw numbers for signals it does not name.</summary>
    static PosixSignal SigUsr1 => (PosixSignal)(OperatingSystem.IsLinux() ? 10 : 30);

    /// <param name="command">The command being run, its name after `pipeline` ("run", "data tokenize"): what a stop
    /// at once leaves is said in its terms.</param>
    public static Interrupt Install(string command) => new(command);

    volatile bool ended;

    /// <summary>The command has returned its exit code: a signal from now on changes nothing, and is ignored.</summary>
    public void CommandEnded() => ended = true;

    void Handle(PosixSignalContext context)
    {
        context.Cancel = true;   // the process does not end here; the work winds down
        if (ended) return;
        if (Interlocked.Increment(ref signals) == 1)
        {
            Console.Error.WriteLine($"stopping: {winding} (at most {Grace.TotalSeconds:0} s{GraceNote}; {Again(command, context.Signal)})");
            stop.Cancel();
            _ = Task.Delay(Grace).ContinueWith(_ =>
            {
                Console.Error.WriteLine($"stopped: the grace period ended; {Left}");
                ExitNow();
            }, TaskScheduler.Default);
        }
        else
        {
            Console.Error.WriteLine($"stopped at once: {Left}");
            ExitNow();
        }
    }

    /// <summary>Ends the process with 130 as a kill would, without the exit handlers: Environment.Exit ran LibTorch's static
    /// destructors while a trainer thread was inside it, and the process died of a segmentation fault (exit 139).</summary>
    static void ExitNow()
    {
        Console.Out.Flush();
        Console.Error.Flush();
        if (OperatingSystem.IsWindows()) Environment.Exit(Commands.ExitCodes.Interrupted);
        else ExitImmediately(Commands.ExitCodes.Interrupted);
    }

    [DllImport("libc", EntryPoint = "_exit")]
    static extern void ExitImmediately(int status);

    public void Dispose()
    {
        foreach (var r in registrations) r.Dispose();
        stop.Dispose();
    }
}
