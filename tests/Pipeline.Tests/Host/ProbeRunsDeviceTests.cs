namespace Retention.Tests.Host;

/// <summary>
/// `probe RUN` uses the device the run trained on unless --device says another. A run trained on a GPU and probed on a
/// machine without that GPU said only "device 'cuda' was asked for but CUDA is not available", a device the user never asked
/// for here. It says now that it is the run's own (its run.yaml's) and to give --device cpu, still before anything is
/// probed (exit 2), and --device cpu probes it.
/// </summary>
[Collection("probed-run")]
public sealed class ProbeRunsDeviceTests(ProbedRun trained) : InTempFolder("probe-runs-device-")
{
    static readonly TimeSpan Limit = TimeSpan.FromMinutes(4);

    [Fact]
    public void A_run_trained_on_a_device_this_machine_lacks_names_it_as_the_runs_and_says_to_give_device()
    {
        var runDir = trained.CopyTo(dir);
        var manifest = Path.Combine(runDir, "run.yaml");
        var yaml = File.ReadAllText(manifest);
        Assert.Contains("\ndevice: cpu\n", yaml);
        File.WriteAllText(manifest, yaml.Replace("\ndevice: cpu\n", "\ndevice: cuda:99\n"));   // no GPU 99, with CUDA or without
        string[] scan = ["probe", runDir, "--layers", "0", "--positions", "tok1", "--threads", "1"];

        var refused = CliProcess.Run(dir, Limit, scan);
        Assert.True(refused.Exit == 2, refused.Err + refused.Out);
        Assert.StartsWith("error: device 'cuda:99' was asked for but ", refused.Err);
        Assert.EndsWith("; it is the device the run trained on (device: cuda:99 in its run.yaml): give --device cpu, or another this " +
                        "machine has, to probe it here\n", refused.Err);
        Assert.False(Directory.Exists(Path.Combine(runDir, "scans")), "nothing probed");

        var probed = CliProcess.Run(dir, Limit, [.. scan, "--device", "cpu"]);
        Assert.True(probed.Exit == 0, probed.Err + probed.Out);
        Assert.Single(Directory.GetDirectories(Path.Combine(runDir, "scans")));
    }
}
