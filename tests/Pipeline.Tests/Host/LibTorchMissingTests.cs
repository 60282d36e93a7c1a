using Retention.Tests.Pipeline;

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
    CliProcess Start(params string[] args) => StartOnPath(null, args);

    /// <summary>The program's managed files alone in program/, run in work/ where no LibTorch can be found.</summary>
    /// <param name="path">The PATH it sees (default: this one's).</param>
    CliProcess StartOnPath(string? path, params string[] args)
    {
        string program = Directory.CreateDirectory(Path.Combine(dir, "program")).FullName;
        foreach (var file in Directory.GetFiles(AppContext.BaseDirectory).Where(f => f.EndsWith(".dll") || f.EndsWith(".json")))
            File.Copy(file, Path.Combine(program, Path.GetFileName(file)), overwrite: true);
        string work = Directory.CreateDirectory(Path.Combine(dir, "work")).FullName;
        return CliProcess.StartProgram(work, new Dictionary<string, string?>
        {
            ["NUGET_PACKAGES"] = Directory.CreateDirectory(Path.Combine(dir, "empty-nuget")).FullName,
            ["LD_LIBRARY_PATH"] = null,
            ["PATH"] = path ?? Environment.GetEnvironmentVariable("PATH"),
        }, CliProcess.DotnetHost, [Path.Combine(program, "pipeline.dll"), .. args]);
    }

    [Fact]
    public void A_data_run_needs_no_LibTorch()
    {
        // README: the commands that train nothing run without it; a data experiment's run trains nothing.
        TinyCorpus.WriteShard(Path.Combine(dir, "work"));
        File.WriteAllText(Path.Combine(dir, "work", "d.yaml"), string.Join('\n', "name: d", "experiment: data",
            "data:", "  sources: [{paths: ['shards/a.jsonl']}]", $"  tokenizer: {TinyCorpus.ByteTokenizerYaml()}",
            "  packing: {seq_len: 16, batch_size: 2}", "train: {steps: 3}"));
        using var cli = Start("run", "d.yaml", "--no-analysis", "--threads", "1");
        var (exit, output, err) = cli.WaitForExit(TimeSpan.FromMinutes(2));
        Assert.True(exit == 0, err + output);
    }

    [Fact]
    public void Validate_of_a_synthetic_sweep_on_auto_needs_no_LibTorch()
    {
        // README: validate does not load LibTorch to tell what `auto` picks, so does not check an auto run's memory. Its sweep
        // memory check grouped every run first, asking LibTorch where each group trains: two seeds on auto failed to load it.
        Directory.CreateDirectory(Path.Combine(dir, "work"));
        File.WriteAllText(Path.Combine(dir, "work", "s.yaml"), string.Join('\n', "name: s", "experiment: synthetic", "device: auto",
            "synthetic: {width: 8, tasks: 2, dims_per_task: 4}", "train: {steps: 10}", "sweep:", "  seed: [0, 1]"));
        using var cli = Start("validate", "s.yaml");
        var (exit, output, err) = cli.WaitForExit(TimeSpan.FromMinutes(2));
        Assert.True(exit == 0, err + output);
        Assert.Contains("s.yaml: ok, 2 runs", output);
        Assert.Contains("seed-1: width 8, seed 1, 10 steps on auto", output);
        Assert.DoesNotContain("LibTorch", err + output);
    }

    [Fact]
    public void Status_of_an_unfinished_synthetic_sweep_on_auto_needs_no_LibTorch()
    {
        // README: status runs without LibTorch. To say where a resume of an unfinished run starts it grouped the runs no
        // checkpoint keeps together as a resume would, asking LibTorch where auto trains them: it failed to load it.
        string work = Directory.CreateDirectory(Path.Combine(dir, "work")).FullName;
        File.WriteAllText(Path.Combine(work, "s.yaml"), string.Join('\n', "name: s", "experiment: synthetic", "device: auto",
            "synthetic: {width: 4, tasks: 2, dims_per_task: 2}", "train: {steps: 10, batch_size: 8}", "sweep:", "  seed: [0, 1]"));
        var trained = CliProcess.Run(work, TimeSpan.FromMinutes(2), "run", "s.yaml", "--no-analysis", "--threads", "1");   // the full build
        Assert.True(trained.Exit == 0, trained.Err + trained.Out);
        string sweep = Path.Combine(work, "artifacts", "s");
        File.Delete(Path.Combine(sweep, "runs", "seed-1", "status.json"));   // as a kill leaves it

        using var cli = Start("status", sweep);
        var (exit, output, err) = cli.WaitForExit(TimeSpan.FromMinutes(2));

        Assert.True(exit == 4, err + output);   // what the full build says of a killed run
        var lines = output.Split('\n');
        Assert.Contains(lines, l => l.Contains("seed-0") && l.Contains("completed"));
        Assert.Contains(lines, l => l.Contains("seed-1") && l.Contains("killed?") && l.Contains("no checkpoint: run --resume to train it from step 0"));
        Assert.DoesNotContain("LibTorch", err + output);
    }

    [Fact]
    public void Submit_of_a_synthetic_sweep_on_auto_needs_no_LibTorch_and_groups_for_the_device_its_tasks_ask_for()
    {
        // submit grouped the runs into tasks by what auto picks on the login node (asking LibTorch), not on the compute nodes
        // that train them: it failed to load LibTorch here, and elsewhere a GPU login node or a CPU one decided the tasks.
        // Widths 2 and 16 train apart on the CPU (16 is past the step overhead, about 7 columns at D = 16, batch 100000), together on a GPU.
        string work = Directory.CreateDirectory(Path.Combine(dir, "work")).FullName;
        var slurm = Retention.Tests.Cluster.FakeSlurm.Path(Path.Combine(dir, "fake-bin"), ("sbatch", "exit 1"), ("squeue", "exit 0"));
        List<string> Tasks(string device, int gpus)
        {
            File.WriteAllText(Path.Combine(work, "s.yaml"), string.Join('\n', "name: s", "experiment: synthetic", $"device: {device}",
                "synthetic: {width: 4, tasks: 4, dims_per_task: 4}", "train: {steps: 10, batch_size: 100000}", "sweep:", "  synthetic.width: [2, 16]"));
            using var cli = StartOnPath(slurm, "submit", "s.yaml", "--slurm", "--dry-run", "--gpus-per-run", $"{gpus}");
            var (exit, output, err) = cli.WaitForExit(TimeSpan.FromMinutes(2));
            Assert.True(exit == 0, err + output);
            Assert.DoesNotContain("LibTorch", err + output);
            return [.. output.Split('\n').Where(l => l.StartsWith("# task "))];
        }

        var onCpu = Tasks("auto", gpus: 0);
        Assert.Equal(["# task 0: width-2", "# task 1: width-16"], onCpu);
        Assert.Equal(Tasks("cpu", gpus: 0), onCpu);
        var onGpu = Tasks("auto", gpus: 1);
        Assert.Equal(["# task 0: width-2, width-16"], onGpu);
        Assert.Equal(Tasks("cuda", gpus: 1), onGpu);
        Assert.False(Directory.Exists(Path.Combine(work, "artifacts")));
    }

    [Theory]
    [InlineData("bench", "train", "--model", "4M", "--steps", "1")]
    [InlineData("run")]
    [InlineData("bench", "parity", "--device", "cpu", "--steps", "1")]
    public void Commands_say_in_one_line_that_LibTorch_is_missing_and_how_to_point_at_PyTorchs(params string[] args)
    {
        using var cli = Start(args);
        string work = Path.Combine(dir, "work");
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
