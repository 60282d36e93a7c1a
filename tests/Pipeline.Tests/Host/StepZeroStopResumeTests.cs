using Retention.Pipeline;
using Retention.Spec;
using Retention.Tests.Pipeline;

namespace Retention.Tests.Host;

/// <summary>
/// A run stopped before its first step (Ctrl+C during the step-0 evaluation) completes its tables and has no checkpoint, so
/// `--resume` trains it again from step 0; killed after a checkpoint there and resumed again, it must keep every row. The
/// stopped attempt's complete files won over the new attempt's sealed parts: a query read none of its rows, and the last
/// resume dropped every row up to the checkpoint, ending "completed" without them.
/// </summary>
public class StepZeroStopResumeTests() : InTempFolder("step-zero-stop-")
{
    static readonly TimeSpan Limit = TimeSpan.FromMinutes(4);

    [Fact]
    public async Task A_run_stopped_at_step_0_resumed_killed_and_resumed_again_equals_an_uninterrupted_run()
    {
        // No validation set: its read would see the stop and end the attempt before step 0's rows.
        var yaml = TinyCorpus.TinyOlmo(dir, steps: 300, ", checkpoint_every: 20")
            .Replace("held_out_every: 10, validation_rows: 4", "held_out_every: 0, validation_rows: 0");
        File.WriteAllText(Path.Combine(dir, "tiny.yaml"), yaml);
        var whole = CliProcess.Run(dir, Limit, "run", "tiny.yaml", "--artifacts", "whole", "--no-analysis");
        Assert.True(whole.Exit == 0, whole.Err + whole.Out);

        string sweep = Path.Combine(dir, "cut", "tiny"), runDir = Path.Combine(sweep, "runs", "default");
        using (var stop = new CancellationTokenSource())
        {
            // Stopped as the run is described, before any batch is fed: step 0's rows are written, no step is trained.
            var stopped = await PipelineRunner.RunAsync(SpecLoader.LoadText(yaml, Path.Combine(dir, "tiny.yaml")), Path.Combine(dir, "cut"),
                new StopOnInfo("parameters (vocabulary", stop), stop.Token, dataDirectory: dir, analyze: false);
            Assert.True(stopped.Interrupted);
        }
        Assert.True(File.Exists(Path.Combine(runDir, "eval.arrow")));
        Assert.False(Directory.Exists(Path.Combine(runDir, "checkpoint")));

        using (var resumed = CliProcess.Start(dir, "run", "tiny.yaml", "--artifacts", "cut", "--no-analysis", "--resume"))
        {
            resumed.WaitUntil(() => SavedCheckpoint.Step(runDir) >= 60, Limit, "checkpoint at step 60");
            resumed.KillHard();
        }
        long killedAfter = SavedCheckpoint.Step(runDir);
        Assert.InRange(killedAfter, 60, 280);   // killed mid-run, after a checkpoint
        Assert.Equal(killedAfter.ToString(), SweepRows.Of(sweep, $"SELECT count(*) FROM train WHERE step <= {killedAfter}"));

        var again = CliProcess.Run(dir, Limit, "run", "tiny.yaml", "--artifacts", "cut", "--no-analysis", "--resume");
        Assert.True(again.Exit == 0, again.Err + again.Out);
        Assert.Contains($"resuming from the checkpoint at step {killedAfter}", again.Out);
        foreach (var sql in new[] {
            "SELECT step, loss, lr, grad_norm, tokens FROM train ORDER BY step",
            "SELECT step, tokens, validation_loss FROM eval ORDER BY step",
            "SELECT step, task, split, loss, accuracy, label_accuracy FROM task_metrics ORDER BY step, task, split",
            "SELECT step, \"row\", \"offset\", task, instance_id FROM injections ORDER BY step, \"row\", \"offset\"" })
            Assert.Equal(SweepRows.Of(Path.Combine(dir, "whole", "tiny"), sql), SweepRows.Of(sweep, sql));
    }
}
