using System.Runtime.InteropServices;
using Retention.Analysis;
using Retention.Artifacts;
using Retention.Data;
using Retention.Pipeline;
using Retention.Spec;

namespace Retention.Host.Commands;

/// <summary>The exit codes of every command (README "The CLI").</summary>
public static class ExitCodes
{
    public const int Ok = 0;
    /// <summary>A run, the analysis or another piece of work failed.</summary>
    public const int Failed = 1;
    /// <summary>Invalid input or usage: a bad pipeline file, option, SQL or path; nothing was run.</summary>
    public const int Invalid = 2;
    /// <summary>Stopped by Ctrl+C or SIGTERM (128 + SIGINT), after completing what was written.</summary>
    public const int Interrupted = 130;
    /// <summary>`status`: the sweep is not finished yet (runs pending, running or interrupted; none failed).</summary>
    public const int NotFinished = 3;
    /// <summary>`status`: nothing queued or running, but runs interrupted or never started (run --resume, or resubmit a submitted sweep).</summary>
    public const int Stopped = 4;
}

/// <summary>What a user can do when a write failed for lack of space or permission, in a command's own terms.</summary>
public sealed record WriteAdvice(string DiskFull, string Denied)
{
    /// <summary>Commands that train into a sweep under --artifacts (run, submit, a cluster task).</summary>
    public static readonly WriteAdvice Runs = new(
        "free space (or point --artifacts elsewhere) and continue with --resume; the files written so far are complete and readable",
        "choose a writable --artifacts directory");

    /// <summary>Commands that write one result (query --output, analyze, data, bench, probe, advise).</summary>
    public static readonly WriteAdvice Output = new(
        "free space (or write elsewhere) and run the command again; files already complete are left as they were",
        "write to a folder you can write to");
}

/// <summary>A bad command-line value the parser cannot see (a negative --jobs, an unknown output extension).</summary>
public sealed class UsageException(string message) : Exception(message);

/// <summary>Turns the errors a user can meet into one clear message and an exit code, no stack trace.</summary>
public static class Errors
{
    /// <summary>Prints what is worth knowing but stops nothing (the exit code is unchanged), on stderr with the errors.</summary>
    public static void Warn(string source, IEnumerable<SweptKeyWarning> warnings)
    {
        foreach (var w in warnings) Console.Error.WriteLine($"warning: {w.Where ?? source}: {w.Message}");
    }

    public static bool IsUserFacing(Exception e) => e is SpecException or AnalysisException or ArtifactException or UsageException
        or PipelineRunException or SweepContractException or Cluster.SlurmException or StageException or DataException or FileNotFoundException or DirectoryNotFoundException
        or InvalidOperationException or ArgumentException or IOException or UnauthorizedAccessException or ExternalException
        or OperationCanceledException || Training.TorchLoading.Explain(e) is not null;

    /// <param name="inputErrors">The command's input is the SQL or the directory itself (query, analyze):
    /// an error in it is invalid input (exit 2), not a failed run.</param>
    /// <param name="advice">What to do about a full disk or a denied write, in the command's own terms
    /// (default: a command that writes a sweep under --artifacts and can --resume).</param>
    public static int Report(Exception e, bool inputErrors = false, WriteAdvice? advice = null)
    {
        if (e is OperationCanceledException)
        {
            Console.Error.WriteLine("interrupted");
            return ExitCodes.Interrupted;
        }
        Console.Error.WriteLine(e switch
        {
            SpecException s => string.Join(Environment.NewLine, s.Errors.Select(x => $"error: {x}")),
            _ => $"error: {Describe(e, advice ?? WriteAdvice.Runs)}",
        });
        bool invalid = e is SpecException or UsageException or SweepContractException or Training.DeviceUnavailableException
            || inputErrors && e is AnalysisException or ArtifactException or DirectoryNotFoundException or FileNotFoundException;
        return invalid ? ExitCodes.Invalid : ExitCodes.Failed;
    }

    /// <summary>The message with what a user can do about the common system faults.</summary>
    public static string Describe(Exception e, WriteAdvice advice)
    {
        if (Training.TorchLoading.Explain(e) is { } torch) return torch;
        for (var x = e; x is not null; x = x.InnerException)
        {
            // DuckDB's own writers (COPY, the catalog file) report ENOSPC in their message only.
            if (x is IOException io && IsDiskFull(io) || x.Message.Contains("No space left on device", StringComparison.OrdinalIgnoreCase))
                return $"{e.Message} — the disk is full: {advice.DiskFull}";
            if (x is UnauthorizedAccessException)
                return $"{e.Message} — permission denied: {advice.Denied}";
            if (x is IOException ro && IsReadOnly(ro))
                return $"{e.Message} — the file system is mounted read-only: {advice.Denied}";
        }
        // ArgumentException appends " (Parameter 'name')": the code's name for the value, not one the user typed.
        return e is ArgumentException { ParamName: { } name } ? e.Message.Replace($" (Parameter '{name}')", "") : e.Message;
    }

    /// <summary>EROFS (30) on Linux: a read-only mount, which no permission change fixes.</summary>
    static bool IsReadOnly(IOException e) =>
        (e.HResult & 0xFFFF) == 30 || e.Message.Contains("Read-only file system", StringComparison.OrdinalIgnoreCase);

    /// <summary>ENOSPC (28) or EDQUOT (122) on Linux, ERROR_DISK_FULL / ERROR_HANDLE_DISK_FULL on Windows.</summary>
    public static bool IsDiskFull(IOException e) =>
        (e.HResult & 0xFFFF) is 28 or 122 or 112 or 39 || e.Message.Contains("No space left on device", StringComparison.OrdinalIgnoreCase);
}
