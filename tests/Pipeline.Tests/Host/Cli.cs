using System.Diagnostics;
using System.Text;

namespace Retention.Tests.Host;

/// <summary>The `pipeline` executable as a user meets it: a separate process (the build's pipeline.dll,
/// copied beside the tests), with its own working directory, exit code, output and signals.</summary>
sealed class CliProcess : IDisposable
{
    readonly Process process;
    readonly StringBuilder output = new(), error = new();

    CliProcess(Process process) => this.process = process;

    /// <summary>The ReadyToRun publish of the program the test build makes in cli/ (the same program, precompiled: hundreds of
    /// starts without JIT), else the build's pipeline.dll beside the tests.</summary>
    public static string Dll { get; } = File.Exists(Path.Combine(AppContext.BaseDirectory, "cli", "pipeline.dll"))
        ? Path.Combine(AppContext.BaseDirectory, "cli", "pipeline.dll")
        : Path.Combine(AppContext.BaseDirectory, "pipeline.dll");

    /// <summary>The dotnet executable running the tests, by its path (a test may give the process a PATH without it).</summary>
    public static string DotnetHost => Environment.ProcessPath is { } p && Path.GetFileNameWithoutExtension(p) == "dotnet" ? p : "dotnet";

    /// <summary>Starts `pipeline ARGS` in <paramref name="workingDirectory"/>, output redirected.</summary>
    public static CliProcess Start(string workingDirectory, params string[] args) => Start(workingDirectory, null, args);

    /// <param name="environment">Variables to set (null: unset) for the process, e.g. a PATH.</param>
    public static CliProcess Start(string workingDirectory, IReadOnlyDictionary<string, string?>? environment, params string[] args) =>
        StartProgram(workingDirectory, environment, DotnetHost, [Dll, .. args]);

    /// <summary>`pipeline` as one shell command line (for scripts that take it in a variable).</summary>
    public static string CommandLine => $"{DotnetHost} {Dll}";

    /// <summary>Starts any program (a script that calls `pipeline`, say), output redirected as for `pipeline`.</summary>
    public static CliProcess StartProgram(string workingDirectory, IReadOnlyDictionary<string, string?>? environment, string program, params string[] args)
    {
        var info = new ProcessStartInfo(program) { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) info.ArgumentList.Add(a);
        info.Environment["DOTNET_SYSTEM_GLOBALIZATION_INVARIANT"] = "1";
        // One LibTorch thread per process where --threads leaves it to LibTorch: two test classes run at once (AssemblyInfo).
        info.Environment["OMP_NUM_THREADS"] = "1";
        // Null unsets a variable the child would inherit (set to null, it may be passed on as empty, not removed).
        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
            if (value is null) info.Environment.Remove(name); else info.Environment[name] = value;
        var p = new Process { StartInfo = info };
        var cli = new CliProcess(p);
        p.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (cli.output) cli.output.AppendLine(e.Data); };
        p.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (cli.error) cli.error.AppendLine(e.Data); };
        p.Start();
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        return cli;
    }

    /// <summary>Runs `pipeline ARGS` to the end (at most <paramref name="timeout"/>).</summary>
    public static (int Exit, string Out, string Err) Run(string workingDirectory, TimeSpan timeout, params string[] args)
    {
        using var p = Start(workingDirectory, args);
        return p.WaitForExit(timeout);
    }

    /// <summary>The same, with environment variables set for the process.</summary>
    public static (int Exit, string Out, string Err) Run(string workingDirectory, TimeSpan timeout, IReadOnlyDictionary<string, string?> environment, params string[] args)
    {
        using var p = Start(workingDirectory, environment, args);
        return p.WaitForExit(timeout);
    }

    public int Id => process.Id;

    public bool HasExited => process.HasExited;

    public string Output { get { lock (output) return output.ToString(); } }
    public string Error { get { lock (error) return error.ToString(); } }

    public (int Exit, string Out, string Err) WaitForExit(TimeSpan timeout)
    {
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{process.StartInfo.FileName} did not exit within {timeout}; output so far:\n{Output}\n{Error}");
        }
        process.WaitForExit();   // drains the redirected streams
        return (process.ExitCode, Output, Error);
    }

    /// <summary>SIGKILL: no handler runs, nothing is flushed or completed.</summary>
    public void KillHard()
    {
        process.Kill(entireProcessTree: true);
        process.WaitForExit();
    }

    /// <summary>Sends a POSIX signal (SIGTERM 15, SIGINT 2) as `kill` would. SIGINT becomes SIGTERM where this test host
    /// ignores SIGINT (<see cref="SigIntIgnored"/>): the program inherits that, and .NET then leaves SIGINT ignored, as a shell's
    /// background job does (`bash .ci/run &` from a script); both signals reach the same handler.</summary>
    public void Signal(int signal)
    {
        if (signal == 2 && SigIntIgnored) signal = 15;
        using var kill = Process.Start("kill", [$"-{signal}", process.Id.ToString()]);
        kill.WaitForExit();
    }

    /// <summary>SIGSTOP, returning once every thread of the process is stopped (each /proc/PID/task/TID/stat says T), or it has
    /// exited: `kill` returns when the signal is queued, and a thread then in a system call (removing a folder, say) finishes
    /// it first. What the caller then sees of the process's files stays so until SIGCONT or SIGKILL.</summary>
    public void Stop(TimeSpan timeout)
    {
        Signal(19);
        var clock = Stopwatch.StartNew();
        while (!process.HasExited && !AllThreadsStopped(process.Id))
        {
            if (clock.Elapsed > timeout) throw new TimeoutException($"pid {process.Id} not stopped within {timeout} of SIGSTOP");
            Thread.Sleep(1);
        }
    }

    /// <summary>Whether every thread of <paramref name="pid"/> is stopped (T, or t under a tracer) or gone (a thread that ended
    /// while listed, a zombie).</summary>
    static bool AllThreadsStopped(int pid)
    {
        try
        {
            return Directory.GetDirectories($"/proc/{pid}/task").All(task =>
            {
                string stat;
                try { stat = File.ReadAllText(Path.Combine(task, "stat")); }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return true; }
                return stat[(stat.LastIndexOf(')') + 2)..][0] is 'T' or 't' or 'Z' or 'X';   // "tid (comm) STATE ..."
            });
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return true; }   // the process is gone
    }

    /// <summary>This process ignores SIGINT (bit 1 of /proc/self/status's SigIgn mask), and so will the programs it starts.</summary>
    public static bool SigIntIgnored { get; } = File.Exists("/proc/self/status") && File.ReadLines("/proc/self/status")
        .FirstOrDefault(l => l.StartsWith("SigIgn:", StringComparison.Ordinal)) is { } line
        && (Convert.ToUInt64(line["SigIgn:".Length..].Trim(), 16) & 0b10) != 0;

    /// <summary>Waits until <paramref name="condition"/> holds (polled), or fails the test.</summary>
    public void WaitUntil(Func<bool> condition, TimeSpan timeout, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (process.HasExited) throw new InvalidOperationException($"pipeline exited ({process.ExitCode}) before {what}:\n{Output}\n{Error}");
            if (clock.Elapsed > timeout) throw new TimeoutException($"no {what} within {timeout}:\n{Output}\n{Error}");
            Thread.Sleep(50);
        }
    }

    /// <summary>Waits until a progress line (printed every 5 s when the output is redirected) reports step
    /// <paramref name="atLeast"/> or later and, with <paramref name="logged"/>, a training loss: a logging
    /// step has been reached, so its metrics rows are written. Returns the step reported.</summary>
    public long WaitForStep(long atLeast, TimeSpan timeout, bool logged = false)
    {
        long reached = 0;
        WaitUntil(() =>
        {
            foreach (System.Text.RegularExpressions.Match m in ProgressLine.Matches(Output))
                if (long.Parse(m.Groups[1].Value) >= atLeast && (!logged || m.Groups[2] is { Success: true, Value: not "-" }))
                {
                    reached = long.Parse(m.Groups[1].Value);
                    return true;
                }
            return false;
        }, timeout, logged ? $"progress line with a loss at step {atLeast} or later" : $"progress line at step {atLeast} or later");
        return reached;
    }

    /// <summary>A redirected progress line: its step, and its loss where the run has one (a data run's line has no loss).</summary>
    static readonly System.Text.RegularExpressions.Regex ProgressLine = new(@": step (\d+)/\d+(?: loss (\S+))?");

    public void Dispose()
    {
        if (!process.HasExited) process.Kill(entireProcessTree: true);
        process.Dispose();
    }
}
