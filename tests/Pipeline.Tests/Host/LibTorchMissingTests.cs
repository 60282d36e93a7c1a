namespace Retention.Tests.Host;

/// <summary>
/// A build without LibTorch (published with -p:LibTorchPackage=none for a GPU server) run where no
/// LibTorch can be found: TorchSharp's own error is a type-initialisation failure with a loader trace.
/// The user must get one line naming the cause and the fix (LD_LIBRARY_PATH to PyTorch's), exit 1,
/// nothing created, and not TorchSharp's trace on stdout. Reproduced with the program's managed files alone and an empty NuGet folder
/// (TorchSharp otherwise copies LibTorch out of the NuGet cache).
/// </summary>
public sealed class LibTorchMissingTests() : InTempFolder("no-libtorch-")
{
    [Theory]
    [InlineData("bench", "train", "--model", "4M", "--steps", "1")]
    [InlineData("run")]
    [InlineData("bench", "parity", "--device", "cpu", "--steps", "1")]
    public void Commands_say_in_one_line_that_LibTorch_is_missing_and_how_to_point_at_PyTorchs(params string[] args)
    {
        string program = Directory.CreateDirectory(Path.Combine(dir, "program")).FullName;
        foreach (var file in Directory.GetFiles(AppContext.BaseDirectory).Where(f => f.EndsWith(".dll") || f.EndsWith(".json")))
            File.Copy(file, Path.Combine(program, Path.GetFileName(file)), overwrite: true);
        string work = Directory.CreateDirectory(Path.Combine(dir, "work")).FullName;
        using var cli = CliProcess.StartProgram(work, new Dictionary<string, string?>
        {
            ["NUGET_PACKAGES"] = Directory.CreateDirectory(Path.Combine(dir, "empty-nuget")).FullName,
            ["LD_LIBRARY_PATH"] = null,
        }, CliProcess.DotnetHost, [Path.Combine(program, "pipeline.dll"), .. args]);
        var (exit, output, err) = cli.WaitForExit(TimeSpan.FromMinutes(2));

        Assert.Equal(1, exit);
        var line = Assert.Single(err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: LibTorch could not be loaded (", line);
        Assert.Contains("libtorch-cpu-linux-x64", line);          // what TorchSharp looked for
        Assert.Contains("export LD_LIBRARY_PATH=", line);
        Assert.Empty(Directory.GetFileSystemEntries(work));       // no artifacts/ begun
        // TorchSharp prints its whole loader trace on stdout before it throws: stdout is for progress and tables.
        Assert.DoesNotContain("Trace from LoadNativeBackend", output);
    }
}
