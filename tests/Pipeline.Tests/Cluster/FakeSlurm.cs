namespace Retention.Tests.Cluster;

/// <summary>A folder of stand-in Slurm commands (bash scripts) to put first on a test's PATH, for what a real
/// cluster cannot be made to do on demand: refuse a submission, list an array as pending.</summary>
static class FakeSlurm
{
    /// <summary>Writes <c>bin/NAME</c> for each (name, body) — body is bash after the shebang — executable, and
    /// returns the PATH that finds them first.</summary>
    public static string Path(string bin, params (string Name, string Body)[] commands)
    {
        Directory.CreateDirectory(bin);
        foreach (var (name, body) in commands)
        {
            var file = System.IO.Path.Combine(bin, name);
            File.WriteAllText(file, "#!/bin/bash\n" + body + "\n");
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(file, (UnixFileMode)0b111_101_101);
        }
        return $"{bin}:/usr/bin:/bin";
    }
}
