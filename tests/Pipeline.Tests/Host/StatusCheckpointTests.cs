using Retention.Pipeline;
using Retention.Spec;
using Retention.Tests.Pipeline;

namespace Retention.Tests.Host;

/// <summary>`pipeline status` names a killed run's checkpoint only where a resume continues from it, and an unreadable
/// checkpoint does not stop it.</summary>
public class StatusCheckpointTests() : InTempFolder("status-checkpoint-")
{
    static readonly TimeSpan Limit = TimeSpan.FromMinutes(3);

    const string Yaml = "name: s\nsynthetic: {tasks: 6, dims_per_task: 4, width: 3, rare: {frequency: 0.05, gap: 97}}\n" +
                        "train: {steps: 1000, batch_size: 16, log_every: 10}\nsweep: {synthetic.width: [2, 3]}\n";

    string Sweep => Path.Combine(dir, "s");
    string RunDir(string run) => Path.Combine(Sweep, "runs", run);

    async Task<StopAt> Stopped(long step, bool resume, IReadOnlyCollection<string>? only = null)
    {
        using var stop = new CancellationTokenSource();
        var progress = new StopAt(step, stop);
        var result = await PipelineRunner.RunAsync(SpecLoader.LoadText(Yaml, "s.yaml"), dir, progress, stop.Token, resume: resume, analyze: false, only: only);
        Assert.True(result.Interrupted);
        return progress;
    }

    [Fact]
    public async Task A_synthetic_checkpoint_another_grouping_saved_is_not_named_as_where_a_resume_continues()
    {
        await Stopped(600, resume: false);   // both runs together: the group's checkpoint in width-2's folder
        // width-2 alone (as one Slurm task might): it trains from step 0 and its stop saves a checkpoint of width-2 only.
        await Stopped(300, resume: true, only: ["width-2"]);
        foreach (var run in new[] { "width-2", "width-3" }) File.Delete(Path.Combine(RunDir(run), "status.json"));   // as a kill leaves them

        var status = CliProcess.Run(dir, Limit, "status", "s");
        Assert.True(status.Exit == 4, status.Err + status.Out);
        // A resume of the sweep trains both runs together: width-2's checkpoint is not theirs, so both start from step 0...
        var lines = status.Out.Split('\n');
        foreach (var run in new[] { "width-2", "width-3" })
            Assert.Contains(lines, l => l.Contains(run) && l.Contains("killed?") && l.Contains("no checkpoint: resubmit (or run --resume) to train it from step 0"));
        Assert.DoesNotContain("continue from it", status.Out);

        // ...as the resume itself says.
        var resumed = await Stopped(1, resume: true);
        Assert.Contains(resumed.Messages, m => m.StartsWith("width-2 (+1): no checkpoint to resume from; training from step 0 (the checkpoint there was saved by a differently grouped attempt"));
    }

    [Fact]
    public async Task An_unreadable_checkpoint_is_left_out_and_the_others_are_still_reported()
    {
        var result = await PipelineRunner.RunAsync(SpecLoader.LoadText(TinyCorpus.TinyOlmo(dir), "tiny.yaml"), Path.Combine(dir, "artifacts"),
            SilentProgress.Instance, CancellationToken.None, dataDirectory: dir, analyze: false);
        var run = Path.Combine(result.SweepDir, "runs", "default");
        File.Delete(Path.Combine(run, "status.json"));   // killed after its last checkpoint
        var trainer = Path.Combine(run, "checkpoint", "trainer.json");
        File.Delete(trainer);
        Directory.CreateDirectory(trainer);   // reading it throws UnauthorizedAccessException, as an unreadable file does

        var status = CliProcess.Run(dir, Limit, "status", Path.Combine("artifacts", "tiny"));
        Assert.True(status.Exit == 4, status.Err + status.Out);
        Assert.Contains("no checkpoint: resubmit (or run --resume) to train it from step 0", status.Out);

        // Damaged rather than unreadable (half a JSON document): still left out, not the end of the report.
        Directory.Delete(trainer);
        File.WriteAllText(trainer, "{\"Step\": 6, \"Con");
        var damaged = CliProcess.Run(dir, Limit, "status", Path.Combine("artifacts", "tiny"));
        Assert.True(damaged.Exit == 4, damaged.Err + damaged.Out);
        Assert.Contains("no checkpoint: resubmit (or run --resume) to train it from step 0", damaged.Out);
    }
}
