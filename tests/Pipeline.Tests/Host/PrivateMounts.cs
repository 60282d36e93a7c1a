namespace Retention.Tests.Host;

/// <summary>
/// A shell script run in a private mount namespace (`unshare`; as root, or as a user through a user namespace), so the
/// small tmpfs it mounts to fill a disk for real is seen by nothing outside it and disappears with it. The script exits 99
/// where it cannot mount; that fails the test saying so.
/// </summary>
static class PrivateMounts
{
    /// <summary>Runs <paramref name="script"/> in <paramref name="workingDirectory"/>; returns its stdout and stderr together.</summary>
    public static string Run(string workingDirectory, string script)
    {
        var unshare = Environment.UserName == "root" ? "-m" : "-rm";
        var info = new System.Diagnostics.ProcessStartInfo("unshare", [unshare, "sh", "-c", script])
            { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        using var p = System.Diagnostics.Process.Start(info)!;
        var stderr = p.StandardError.ReadToEndAsync();
        var output = p.StandardOutput.ReadToEnd() + stderr.GetAwaiter().GetResult();
        p.WaitForExit();
        Assert.True(p.ExitCode != 99 && !output.Contains("unshare: "), $"could not mount a tmpfs in a private namespace:\n{output}");
        return output;
    }
}
