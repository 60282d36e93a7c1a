using Retention.Pipeline;
using Retention.Spec;

namespace Retention.Tests.Pipeline;

/// <summary>
/// A synthetic group stopped mid-run (Ctrl+C, or a scheduler's warning) saves its trainer at the
/// step it reached; `--resume` continues from there and every table equals an uninterrupted run's.
/// </summary>
public class SyntheticStopResumeTests() : InTempFolder("syn-stop-")
{
    const string Yaml = "name: s\nsynthetic: {tasks: 6, dims_per_task: 4, width: 3, rare: {frequency: 0.05, gap: 97}}\n" +
                        "train: {steps: 1500, batch_size: 16, log_every: 25, max_loss_ratio: 1000}\nsweep: {synthetic.width: [2, 3], seed: [0, 1]}\n";

    static Task<PipelineResult> Run(string root, IRunProgress progress, CancellationToken stop, bool resume) =>
        PipelineRunner.RunAsync(SpecLoader.LoadText(Yaml, "s.yaml"), root, progress, stop, resume: resume, analyze: false);

    [Fact]
    public async Task Stopped_mid_run_then_resumed_every_table_equals_an_uninterrupted_run()
    {
        await Run(Path.Combine(dir, "whole"), SilentProgress.Instance, CancellationToken.None, resume: false);

        var root = Path.Combine(dir, "cut");
        using (var stop = new CancellationTokenSource())
        {
            var cut = await Run(root, new StopAt(600, stop), stop.Token, resume: false);
            Assert.True(cut.Interrupted);
            Assert.All(cut.Runs, r => Assert.Equal("interrupted", r.Status.State));
            Assert.InRange(cut.Runs[0].Status.Steps, 600, 1499);
        }
        var sweep = Path.Combine(root, "s");
        var group = Path.Combine(sweep, "runs", "width-2_seed-0", "checkpoint");
        Assert.True(File.Exists(Path.Combine(group, "trainer.json")), "the stop saved the trainer");

        var log = new StopAt(-1, new CancellationTokenSource());
        var resumed = await Run(root, log, CancellationToken.None, resume: true);
        Assert.Contains(log.Messages, m => m.Contains("resuming from the checkpoint at step"));
        Assert.False(resumed.Interrupted);
        Assert.All(resumed.Runs, r => Assert.Equal("completed", r.Status.State));
        Assert.False(Directory.Exists(group), "a completed run keeps no checkpoint");

        var whole = Path.Combine(dir, "whole", "s");
        foreach (var sql in new[] {
            "SELECT run, step, task, loss, signal, signal_corrected, phase FROM metrics ORDER BY run, step, task",
            "SELECT run, step, lr, train_loss FROM train ORDER BY run, step",
            "SELECT * FROM interference ORDER BY run, step",
            "SELECT * FROM injections ORDER BY run, step" })
            Assert.Equal(SweepRows.Of(whole, sql), SweepRows.Of(sweep, sql));
        Assert.Equal("4,1500", SweepRows.Of(sweep, "SELECT count(DISTINCT run), max(step) FROM train"));
    }
}
