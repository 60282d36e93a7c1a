using System.Diagnostics;
using Retention.Tests.Pipeline;

namespace Retention.Tests.Cluster;

/// <summary>
/// A real one-node Slurm (Debian's slurmctld, slurmd and munge) on loopback, started by
/// scripts/local-slurm.sh (which installs the packages when missing) for the tests of the
/// `slurm` collection and stopped after them. SLURM_CONF is set for this process, so the
/// `pipeline` processes the tests start, and the jobs they submit, use it.
/// </summary>
public sealed class LocalSlurm : IDisposable
{
    readonly string dir = Directory.CreateTempSubdirectory("local-slurm-").FullName;
    static string Script => Path.Combine(Path.GetDirectoryName(RepoFiles.PipelinesDirectory)!, "scripts", "local-slurm.sh");

    public LocalSlurm()
    {
        var (exit, output) = Bash($"'{Script}' start '{dir}'", TimeSpan.FromMinutes(5));
        if (exit != 0) throw new InvalidOperationException($"the local Slurm did not start (exit {exit}):\n{output}");
        Environment.SetEnvironmentVariable("SLURM_CONF", Path.Combine(dir, "slurm.conf"));
    }

    /// <summary>Runs a command line with bash; returns its exit code and output (stdout and stderr).</summary>
    public static (int Exit, string Output) Bash(string command, TimeSpan? timeout = null)
    {
        var info = new ProcessStartInfo("bash", ["-c", command]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var p = Process.Start(info)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(timeout ?? TimeSpan.FromMinutes(1))) { p.Kill(true); throw new TimeoutException(command); }
        p.WaitForExit();
        return (p.ExitCode, stdout.Result + stderr.Result);
    }

    public void Dispose()
    {
        Bash("scancel --user=$(id -un) 2>/dev/null; true");
        Bash($"'{Script}' stop '{dir}'");
        Environment.SetEnvironmentVariable("SLURM_CONF", null);
        try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
    }
}

[CollectionDefinition("slurm")]
public sealed class SlurmCollection : ICollectionFixture<LocalSlurm>;
