using System.Text.Json;
using Retention.Pipeline;
using static Retention.Tests.Spec.SpecSamples;

namespace Retention.Tests.Pipeline;

/// <summary>params.arrow's device is where the run trained (provenance.json's, `auto` resolved), the setting beside it as
/// device_requested (README "Artifacts"), so a query grouping by device separates CPU from GPU runs.</summary>
public class ParamsDeviceTests() : InTempFolder("params-device-")
{
    [Fact]
    public async Task An_auto_run_records_the_device_it_picked_and_the_setting_it_was_given()
    {
        var pipeline = Load(Yaml(
            "name: t",
            "device: auto",
            "synthetic: {tasks: 2, dims_per_task: 2, width: 2}",
            "train: {steps: 10, batch_size: 8, log_every: 10}",
            "analysis:",
            "  tables:",
            "    - {name: devices, sql: 'SELECT device, device_requested FROM params'}"));
        var result = await PipelineRunner.RunAsync(pipeline, dir, SilentProgress.Instance, CancellationToken.None);

        var runDir = Path.Combine(result.SweepDir, "runs", pipeline.Runs[0].RunId);
        using var provenance = JsonDocument.Parse(File.ReadAllText(Path.Combine(runDir, "provenance.json")));
        var trainedOn = provenance.RootElement.GetProperty("device").GetString()!;
        Assert.StartsWith(TorchSharp.torch.cuda.is_available() ? "cuda" : "cpu", trainedOn);
        var row = Assert.Single(Assert.Single(result.Tables).Result.Rows);
        Assert.Equal([trainedOn, "auto"], row.Select(v => (string)v!));
    }
}
