using System.ComponentModel;
using System.Diagnostics;

namespace Retention.Cluster;

/// <summary>A Slurm command failed or is not installed; the message carries what it printed.</summary>
public sealed class SlurmException(string message) : Exception(message);

/// <summary>A task's state as the scheduler knows it: squeue's long state name (PENDING, RUNNING, …) and its reason.</summary>
/// <param name="Restarts">How many times Slurm requeued the task (its RestartCnt, SLURM_RESTART_COUNT in the task): every
/// requeue, Slurm's own (preemption, `scontrol requeue`) and the job script's after a warning, counted the moment it
/// happens; null where squeue did not say.</param>
public sealed record SchedulerTask(string ArrayJobId, int Task, string State, string Reason, int? Restarts = null);

/// <summary>
/// The Slurm commands the pipeline uses (sbatch, squeue, scontrol), run as processes. They honour
/// SLURM_CONF from the environment, so the one-node test cluster and a real one look alike.
/// </summary>
public static class SlurmClient
{
    /// <summary>Submits a batch script; returns the job id (sbatch --parsable prints "id" or "id;cluster").</summary>
    public static string Submit(string script, params string[] options)
    {
        var output = Run("sbatch", [.. options, "--parsable", script]);
        var id = output.Trim().Split(';')[0];
        if (id.Length == 0 || !id.All(char.IsAsciiDigit)) throw new SlurmException($"sbatch printed no job id: '{output.Trim()}'");
        return id;
    }

    /// <summary>The queued and running tasks of these array jobs (one row per task: -r expands pending ranges).</summary>
    /// <remarks>--Format (-O) rather than -o: the restart count has no %-letter. Each field is "Name:suffix": no width
    /// (so nothing is cut short or padded) and '|' after it.</remarks>
    public static IReadOnlyList<SchedulerTask> Queue(IReadOnlyCollection<string> arrayJobIds) =>
        [.. Squeue(arrayJobIds, "ArrayJobID:|,ArrayTaskID:|,State:|,Reason:|,RestartCnt:", eachTask: true, longFormat: true)
            .Where(p => p.Length == 5 && int.TryParse(p[1], out _))
            .Select(p => new SchedulerTask(p[0], int.Parse(p[1]), p[2], p[3], int.TryParse(p[4], out var restarts) ? restarts : null))];

    /// <summary>Which of these jobs (plain or array) still have something queued or running.</summary>
    public static IReadOnlyList<string> Live(IReadOnlyCollection<string> jobIds)
    {
        // %A is a task's own id, %F its array's (or the job's own id when it is no array).
        var seen = Squeue(jobIds, "%A|%F").SelectMany(p => p).ToHashSet();
        return [.. jobIds.Where(seen.Contains)];
    }

    /// <summary>The state squeue gives a job while Slurm holds it (PENDING, RUNNING, …) and its reason, or null once it left the queue.</summary>
    public static (string State, string Reason)? QueueState(string jobId) =>
        Squeue([jobId], "%T|%r").FirstOrDefault() is { } p ? (p[0], p.Length > 1 ? p[1] : "") : null;

    /// <summary>squeue's rows for these jobs, fields split at '|'. An id Slurm has forgotten (MinJobAge after its end)
    /// makes squeue fail with "Invalid job id": then each id is asked alone, and a forgotten one gives no rows.</summary>
    /// <param name="longFormat">The format is --Format's (-O) field list, not -o's %-letters.</param>
    static IReadOnlyList<string[]> Squeue(IReadOnlyCollection<string> jobIds, string format, bool eachTask = false, bool longFormat = false)
    {
        if (jobIds.Count == 0) return [];
        string output;
        try { output = Run("squeue", [.. eachTask ? new[] { "-r" } : [], "-h", "-j", string.Join(',', jobIds), longFormat ? "-O" : "-o", format]); }
        catch (SlurmException e) when (Forgotten(e) && jobIds.Count > 1) { return [.. jobIds.SelectMany(id => Squeue([id], format, eachTask, longFormat))]; }
        catch (SlurmException e) when (Forgotten(e)) { return []; }
        return [.. output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(l => l.Split('|'))];
    }

    static bool Forgotten(SlurmException e) => e.Message.Contains("Invalid job id", StringComparison.OrdinalIgnoreCase);

    /// <summary>How the scheduler says an ended job ("id") or array task ("id_task") ended (JobState and ExitCode),
    /// while it still remembers the job (MinJobAge); null when it does not.</summary>
    public static string? EndState(string job)
    {
        try { return EndStateOf(Run("scontrol", ["show", "job", "-o", job])); }
        catch (SlurmException) { return null; }
    }

    /// <summary>JobState and ExitCode from `scontrol show job -o`'s line ("JobState (exit ExitCode)"); null without a
    /// JobState. Fields are split on any whitespace: the line ends in a newline, which stuck to a last ExitCode field.</summary>
    public static string? EndStateOf(string scontrolLine)
    {
        var fields = scontrolLine.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        string? Field(string name) => fields.FirstOrDefault(f => f.StartsWith(name + "=", StringComparison.Ordinal))?[(name.Length + 1)..];
        return Field("JobState") is { } state ? $"{state} (exit {Field("ExitCode") ?? "?"})" : null;
    }

    public static void Cancel(string jobId) => Run("scancel", [jobId]);

    public static string NotInstalled(string program) =>
        $"{program} is not installed here (Slurm's client commands are needed: apt-get install slurm-client, " +
        "or scripts/local-slurm.sh start DIR for a one-node test cluster)";

    /// <summary>Whether the Slurm client commands are on the PATH.</summary>
    public static bool Installed() => Which("sbatch") && Which("squeue");

    static bool Which(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator).Any(d => d.Length > 0 && File.Exists(Path.Combine(d, program)));

    static string Run(string program, IReadOnlyList<string> args)
    {
        var info = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) info.ArgumentList.Add(a);
        Process p;
        try { p = Process.Start(info)!; }
        catch (Win32Exception)
        {
            throw new SlurmException(NotInstalled(program));
        }
        using (p)
        {
            var stdout = p.StandardOutput.ReadToEndAsync();
            var stderr = p.StandardError.ReadToEnd();
            p.WaitForExit();
            if (p.ExitCode != 0)
                throw new SlurmException($"{program} {string.Join(' ', args)} failed (exit {p.ExitCode}): {stderr.Trim()}");
            return stdout.Result;
        }
    }
}
