namespace Retention.Tests.Host;

/// <summary>A bad --device (CPU, in capitals) is reported as the option the user typed, by every command that takes one: those that
/// turn it into a --set of the pipeline (run, validate, submit, bench probes, probe) and the bench commands that use
/// it as it is; a usage error (exit 2) before any work.</summary>
public sealed class DeviceOptionErrorTests() : InTempFolder("device-option-")
{
    static readonly TimeSpan Limit = TimeSpan.FromMinutes(2);

    [Theory]
    [InlineData("validate p.yaml")]
    [InlineData("run p.yaml")]
    [InlineData("submit p.yaml --slurm --dry-run")]
    [InlineData("bench probes p.yaml")]
    [InlineData("probe run")]
    [InlineData("bench synthetic --steps 1")]
    [InlineData("bench train --steps 1")]
    [InlineData("bench parity --steps 1")]
    public void A_bad_device_names_the_device_option_not_a_set(string command)
    {
        var spec = "name: p\nsynthetic: {tasks: 4, dims_per_task: 2, width: 2}\ntrain: {steps: 20, batch_size: 8}\n";
        File.WriteAllText(Path.Combine(dir, "p.yaml"), spec);
        Directory.CreateDirectory(Path.Combine(dir, "run"));
        File.WriteAllText(Path.Combine(dir, "run", "run.yaml"), spec);   // what `probe` reads of a run first
        var before = Directory.GetFileSystemEntries(dir, "*", SearchOption.AllDirectories).Order().ToList();

        // In capitals: the error also names the spelling meant, as the pipeline's device: says it.
        var (exit, output, err) = CliProcess.Run(dir, Limit, [.. command.Split(' '), "--device", "CPU"]);

        Assert.True(exit == 2, output + err);
        Assert.Equal("error: --device CPU: unknown device 'CPU' (did you mean 'cpu'?); allowed: cpu, cuda, auto, cuda:N (N = GPU index)", err.Trim());
        Assert.Equal(before, Directory.GetFileSystemEntries(dir, "*", SearchOption.AllDirectories).Order());   // nothing written
    }

    /// <summary>tpu is one letter from cpu but another kind of hardware: no "did you mean 'cpu'", the list of devices instead.</summary>
    [Fact]
    public void Another_kind_of_processor_gets_the_list_of_devices_not_cpu()
    {
        File.WriteAllText(Path.Combine(dir, "p.yaml"), "name: p\nsynthetic: {tasks: 4, dims_per_task: 2, width: 2}\n");

        var (exit, output, err) = CliProcess.Run(dir, Limit, ["validate", "p.yaml", "--device", "tpu"]);

        Assert.True(exit == 2, output + err);
        Assert.Equal("error: --device tpu: unknown device 'tpu'; allowed: cpu, cuda, auto, cuda:N (N = GPU index)", err.Trim());
    }

    /// <summary>A GPU index past int's range names no GPU: validate refuses it at the file's key and as the option, exit 2,
    /// rather than accepting it for a run to fail on.</summary>
    [Fact]
    public void A_gpu_index_too_large_for_an_int_is_refused_at_the_key_and_as_the_option()
    {
        File.WriteAllText(Path.Combine(dir, "p.yaml"), "name: p\ndevice: cuda:99999999999\nsynthetic: {tasks: 4, dims_per_task: 2, width: 2}\n");

        var (exit, output, err) = CliProcess.Run(dir, Limit, ["validate", "p.yaml"]);
        Assert.True(exit == 2, output + err);
        Assert.Equal("error: p.yaml:2:9: device: device 'cuda:99999999999': GPU index 99999999999 is too large (at most 2147483647); allowed: cpu, cuda, auto, cuda:N (N = GPU index)", err.Trim());

        (exit, output, err) = CliProcess.Run(dir, Limit, ["validate", "p.yaml", "--device", "cuda:2147483648"]);
        Assert.True(exit == 2, output + err);
        Assert.Equal("error: --device cuda:2147483648: device 'cuda:2147483648': GPU index 2147483648 is too large (at most 2147483647); allowed: cpu, cuda, auto, cuda:N (N = GPU index)", err.Trim());
    }
}
