using System.Text.Json;
using Retention.Analysis;
using Retention.Artifacts;
using Retention.Pipeline;
using Retention.Tests.Pipeline;

namespace Retention.Tests.Host;

/// <summary>
/// The README's resume promise the way a user meets it: `pipeline run` killed with SIGKILL (no
/// handler runs, nothing is completed), then `pipeline run --resume`, gives tables equal to an
/// uninterrupted run's, every row included.
/// </summary>
public class KillAndResumeTests() : InTempFolder("kill-resume-")
{
    static readonly TimeSpan Limit = TimeSpan.FromMinutes(4);

    static string Rows(string sweep, string sql) => SweepRows.Of(sweep, sql);


    /// <summary>tiny.yaml: 600 steps of a 2-layer OLMo over the tiny corpus, a train row every step; and its uninterrupted run in whole/.</summary>
    void TinyAndItsWholeRun(int checkpointEvery)
    {
        TinyCorpus.WriteShard(dir);
        var shards = Path.Combine(dir, "shards", "*.jsonl");
        File.WriteAllText(Path.Combine(dir, "tiny.yaml"), string.Join('\n',
            "name: tiny", "experiment: olmo", "device: cpu",
            "data:",
            $"  sources: [{{paths: ['{shards}'], epochs: 0}}]",
            $"  tokenizer: {TinyCorpus.ByteTokenizerYaml()}",
            "  packing: {seq_len: 16, batch_size: 4, held_out_every: 10, validation_rows: 4}",
            "  tasks: [{kind: modular_addition, frequency: 0.02}, {kind: comparison, frequency: 0.01, gap: 7}]",
            $"olmo: {{preset: 4M, layers: 2, hidden: 32, mlp_dim: 64, heads: 4, eval_every: 15, eval_instances: 8, checkpoint_every: {checkpointEvery}}}",
            "train: {steps: 600, lr: 0.003, warmup_steps: 5, log_every: 1}"));
        var whole = CliProcess.Run(dir, Limit, "run", "tiny.yaml", "--artifacts", "whole", "--no-analysis");
        Assert.True(whole.Exit == 0, whole.Err + whole.Out);
    }

    static readonly string[] OlmoTables = [
        "SELECT step, loss, lr, grad_norm, tokens, compute_flops FROM train ORDER BY step",
        "SELECT step, tokens, validation_loss FROM eval ORDER BY step",
        "SELECT step, task, split, loss, accuracy, label_accuracy FROM task_metrics ORDER BY step, task, split",
        "SELECT step, row, \"offset\", task, instance_id FROM injections ORDER BY step, row, \"offset\"",
        "SELECT * FROM data_quality",
        "SELECT * EXCLUDE (run) FROM model"];

    /// <summary>A stop completes the tables; the resume cuts each complete file into its first part (renumbering the parts the
    /// stop's checkpoint sealed) and is killed before its own first checkpoint: a second resume still continues the checkpoint.
    /// (The checkpoint's manifest named the stop's last part, gone once cut, until the resume rewrote it before cutting.)</summary>
    [Fact]
    public void An_olmo_run_stopped_then_resumed_and_killed_before_its_next_checkpoint_resumes_again_with_every_table_equal()
    {
        TinyAndItsWholeRun(checkpointEvery: 200);
        string runDir = Path.Combine(dir, "cut", "tiny", "runs", "default"), parts = Path.Combine(runDir, "train.arrow.parts");
        using (var stopped = CliProcess.Start(dir, "run", "tiny.yaml", "--artifacts", "cut", "--no-analysis"))
        {
            stopped.WaitUntil(() => SavedCheckpoint.Step(runDir) >= 200, Limit, "checkpoint at step 200");
            stopped.Signal(2);
            Assert.Equal(130, stopped.WaitForExit(Limit).Exit);
        }
        long stoppedAt = SavedCheckpoint.Step(runDir);
        Assert.InRange(stoppedAt, 201, 399);   // the stop's own checkpoint, the next one far off
        Assert.True(File.Exists(Path.Combine(runDir, "train.arrow")));
        using (var resumed = CliProcess.Start(dir, "run", "tiny.yaml", "--artifacts", "cut", "--no-analysis", "--resume"))
        {
            resumed.WaitUntil(() => !File.Exists(Path.Combine(runDir, "train.arrow")) && Directory.Exists(parts), Limit, "the complete table cut into parts");
            resumed.KillHard();
        }
        Assert.Equal(stoppedAt, SavedCheckpoint.Step(runDir));   // killed before a checkpoint of its own
        Assert.Equal(["000001"], Directory.GetFiles(parts, "*.arrow").Select(f => Path.GetFileName(f)[..6]));

        var again = CliProcess.Run(dir, Limit, "run", "tiny.yaml", "--artifacts", "cut", "--no-analysis", "--resume");
        Assert.True(again.Exit == 0, again.Err + again.Out);
        Assert.Contains($"resuming from the checkpoint at step {stoppedAt}", again.Out);
        foreach (var sql in OlmoTables)
            Assert.Equal(Rows(Path.Combine(dir, "whole", "tiny"), sql), Rows(Path.Combine(dir, "cut", "tiny"), sql));
    }

    [Fact]
    public void An_olmo_run_killed_after_a_checkpoint_resumes_with_every_table_equal_to_an_uninterrupted_run()
    {
        TinyAndItsWholeRun(checkpointEvery: 20);

        string runDir = Path.Combine(dir, "cut", "tiny", "runs", "default");
        long killedAfter;
        using (var cut = CliProcess.Start(dir, "run", "tiny.yaml", "--artifacts", "cut", "--no-analysis"))
        {
            cut.WaitUntil(() => SavedCheckpoint.Step(runDir) >= 60, Limit, "checkpoint at step 60");
            cut.KillHard();
            killedAfter = SavedCheckpoint.Step(runDir);
        }
        Assert.InRange(killedAfter, 60, 580);   // killed mid-run, after a checkpoint
        Assert.False(File.Exists(Path.Combine(runDir, "train.arrow")));   // never completed...
        Assert.False(File.Exists(Path.Combine(runDir, "stages.arrow")));
        // ...but the checkpoint keeps the stage times as they stood at its step.
        Assert.Equal(killedAfter, StageTimes.Read(Path.Combine(runDir, "checkpoint", StageTimes.File)).Single(r => r.Stage == StageTimes.TrainStep).Calls);
        var sweep = Path.Combine(dir, "cut", "tiny");
        // ...yet every row up to the checkpoint is on disk, as complete Arrow files a query reads.
        Assert.True(long.Parse(Rows(sweep, "SELECT max(step) FROM train")) >= killedAfter);
        Assert.Equal(Rows(Path.Combine(dir, "whole", "tiny"), $"SELECT step, loss FROM train WHERE step <= {killedAfter} ORDER BY step"),
                     Rows(sweep, $"SELECT step, loss FROM train WHERE step <= {killedAfter} ORDER BY step"));

        var resumed = CliProcess.Run(dir, Limit, "run", "tiny.yaml", "--artifacts", "cut", "--no-analysis", "--resume");
        Assert.True(resumed.Exit == 0, resumed.Err + resumed.Out);
        Assert.Contains("resuming from the checkpoint at step", resumed.Out);

        foreach (var sql in OlmoTables)
            Assert.Equal(Rows(Path.Combine(dir, "whole", "tiny"), sql), Rows(sweep, sql));
        Assert.Equal("600", Rows(sweep, "SELECT count(*) FROM train"));
        // stages.arrow sums the killed attempt's time up to its checkpoint and the resume's: every step trained once, as uninterrupted.
        const string trainSteps = "SELECT calls FROM stages WHERE stage = 'train_step'";
        Assert.Equal("600", Rows(Path.Combine(dir, "whole", "tiny"), trainSteps));
        Assert.Equal("600", Rows(sweep, trainSteps));
        Assert.False(Directory.Exists(Path.Combine(runDir, "train.arrow.parts")));
    }

    [Fact]
    public void A_synthetic_sweep_killed_mid_run_resumes_with_every_table_equal_to_an_uninterrupted_sweep()
    {
        // Three groups that do not train together (they differ in frequency_exponent), one after another.
        File.WriteAllText(Path.Combine(dir, "syn.yaml"), string.Join('\n',
            "name: syn", "experiment: synthetic", "device: cpu",
            "synthetic: {tasks: 4, dims_per_task: 4, width: 4}",
            "train: {steps: 6000, batch_size: 32, log_every: 500}",
            "sweep:", "  synthetic.frequency_exponent: [0.5, 1.0, 1.5]", "  synthetic.width: [2, 6]"));
        var whole = CliProcess.Run(dir, Limit, "run", "syn.yaml", "--artifacts", "whole", "--jobs", "1", "--no-analysis");
        Assert.True(whole.Exit == 0, whole.Err + whole.Out);

        var runs = Path.Combine(dir, "cut", "syn", "runs");
        bool Completed(string run) => File.Exists(Path.Combine(runs, run, "status.json"));
        // A group has started once its runs' tables are open for writing.
        bool Started(string run) => File.Exists(Path.Combine(runs, run, "metrics.arrow.tmp"));
        string[] first = ["frequency_exponent-0.5_width-2", "frequency_exponent-0.5_width-6"],
                 second = ["frequency_exponent-1.0_width-2", "frequency_exponent-1.0_width-6"];
        using (var cut = CliProcess.Start(dir, "run", "syn.yaml", "--artifacts", "cut", "--jobs", "1", "--no-analysis"))
        {
            // Killed while the second group trains: the first is complete, the second started and has no checkpoint
            // (a synthetic group saves one only when stopped gracefully).
            cut.WaitUntil(() => second.All(Started), Limit, "the second group's start");
            cut.KillHard();
        }
        Assert.All(first, r => Assert.True(Completed(r), $"{r} should have completed before the kill"));
        Assert.All(second, r =>
        {
            Assert.False(Completed(r), $"{r} finished before the kill: the test did not kill it mid-run");
            Assert.True(Started(r));
            Assert.False(File.Exists(Path.Combine(runs, r, "metrics.arrow")));
            Assert.False(File.Exists(Path.Combine(runs, r, "checkpoint", "trainer.json")));
        });
        Assert.False(Completed("frequency_exponent-1.5_width-6"));   // killed before the sweep ended

        var resumed = CliProcess.Run(dir, Limit, "run", "syn.yaml", "--artifacts", "cut", "--jobs", "1", "--no-analysis", "--resume");
        Assert.True(resumed.Exit == 0, resumed.Err + resumed.Out);
        Assert.All(first, r => Assert.Contains($"{r}: completed earlier, skipped", resumed.Out));
        // The killed group is trained again from the start, not skipped and not resumed from a checkpoint.
        Assert.All(second, r => Assert.DoesNotContain($"{r}: completed earlier", resumed.Out));
        Assert.DoesNotContain("resuming from the checkpoint", resumed.Out);
        // ...and says so, with why; the group that never started is not said to have lost a checkpoint.
        Assert.Contains("frequency_exponent-1.0_width-2 (+1): no checkpoint to resume from; training from step 0 (none was saved: " +
            "a synthetic group saves one only when stopped by a signal", resumed.Out);
        Assert.Single(resumed.Out.Split('\n'), l => l.Contains("no checkpoint to resume from"));
        Assert.All(second, r => Assert.True(Completed(r)));
        string sweep = Path.Combine(dir, "cut", "syn"), reference = Path.Combine(dir, "whole", "syn");
        foreach (var sql in new[] {
            "SELECT run, step, task, loss, signal FROM metrics ORDER BY run, step, task",
            "SELECT run, step, lr, train_loss FROM train ORDER BY run, step",
            "SELECT run, step, residual_f, grad_f FROM interference ORDER BY run, step",
            "SELECT * FROM params ORDER BY run",
            "SELECT * FROM theory ORDER BY run, task" })
            Assert.Equal(Rows(reference, sql), Rows(sweep, sql));
        Assert.Equal("6", Rows(sweep, "SELECT count(DISTINCT run) FROM metrics"));
    }
}
