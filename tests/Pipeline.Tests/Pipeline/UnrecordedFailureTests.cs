using Retention.Pipeline;
using static Retention.Tests.Spec.SpecSamples;

namespace Retention.Tests.Pipeline;

/// <summary>A group that fails and then cannot record its failure (status.json cannot be written: a full disk, a folder in
/// the way) ends with the training's error, the write's failure said after it. Before, the write's exception replaced the
/// training's: the user saw only that a status.json.tmp could not be written, not why the run failed.</summary>
public class UnrecordedFailureTests() : InTempFolder("unrecorded-failure-")
{
    [Fact]
    public async Task The_training_error_is_kept_and_the_failed_status_write_is_said_after_it()
    {
        // lr 1e30: the loss is not finite at the first logged step.
        var pipeline = Load(Yaml("name: t", "synthetic: {tasks: 3, dims_per_task: 2, width: 2}",
            "train: {steps: 200, batch_size: 16, lr: 1e30, log_every: 20}"));
        var runDir = Path.Combine(dir, "t", "runs", "default");
        // A non-empty folder where status.json's temporary file goes: writing it fails, as on a full disk, and only there
        // (--resume, so the folder is not set aside before the run starts).
        Directory.CreateDirectory(Path.Combine(runDir, "status.json.tmp", "in-the-way"));

        var e = await Assert.ThrowsAsync<PipelineRunException>(() =>
            PipelineRunner.RunAsync(pipeline, dir, SilentProgress.Instance, CancellationToken.None, analyze: false, resume: true));

        Assert.Equal("default", e.Run);
        Assert.Matches(@"^run 'default' failed: .*training loss is \S+ at step 20 in run 'default'", e.Message);
        Assert.Contains("; recording it in the run's folder failed too (", e.Message);
        Assert.Contains("status.json.tmp", e.Message);
        Assert.False(File.Exists(Path.Combine(runDir, "status.json")));
    }
}
