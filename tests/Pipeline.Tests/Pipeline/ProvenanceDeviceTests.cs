using Retention.Pipeline;
using Retention.Spec;

namespace Retention.Tests.Pipeline;

/// <summary>provenance.json says on which device a run trained: with `device: auto` it recorded "auto", so a run that fell
/// back to the CPU (a node whose LibTorch has no CUDA) could not be told from one on the GPU.</summary>
public class ProvenanceDeviceTests() : InTempFolder("provenance-device-")
{
    [Theory]
    [InlineData("auto")]
    [InlineData("cpu")]
    public async Task A_run_records_the_device_it_trained_on(string device)
    {
        var yaml = $"name: s\ndevice: {device}\nsynthetic: {{tasks: 2, dims_per_task: 2, width: 2}}\ntrain: {{steps: 5, batch_size: 4, log_every: 5}}\n";
        var result = await PipelineRunner.RunAsync(SpecLoader.LoadText(yaml, "s.yaml"), dir, SilentProgress.Instance, CancellationToken.None, analyze: false);
        Assert.Equal("completed", Assert.Single(result.Runs).Status.State);

        var recorded = SweepContract.ReadProvenance(Path.Combine(dir, "s", "runs", "default"))!.Device;

        string expected = device == "cpu" || !TorchSharp.torch.cuda.is_available() ? "cpu" : "cuda";
        Assert.Equal(expected, recorded.Split(':')[0]);
    }
}
