using Retention.Analysis;
using Retention.Artifacts;
using Retention.Pipeline;
using Retention.Spec;
using Retention.Tests.Pipeline;

namespace Retention.Tests.Models;

/// <summary>experiment: olmo end to end on a tiny model: data stage, trainer, evaluation, checkpoint, export.</summary>
public class OlmoExperimentTests() : InTempFolder("olmo-run-")
{
    string TinyYaml(int steps = 6, string extra = "") => TinyCorpus.TinyOlmo(dir, steps, extra);

    [Fact]
    public async Task ADivergingRunStopsAndItsTrainTableEndsWithTheStepThatDiverged()
    {
        // lr 30 with Adam: every weight moves by about 30 a step, so the loss leaves its start within a few steps.
        var yaml = TinyYaml(steps: 40).Replace("lr: 0.003", "lr: 30");
        var error = await Assert.ThrowsAsync<PipelineRunException>(() => PipelineRunner.RunAsync(SpecLoader.LoadText(yaml, "tiny.yaml"),
            Path.Combine(dir, "artifacts"), SilentProgress.Instance, CancellationToken.None, dataDirectory: dir));
        var step = long.Parse(System.Text.RegularExpressions.Regex.Match(error.Message, @"training loss (?:is )?\S+ at step (\d+)").Groups[1].Value);
        using var catalog = ArtifactCatalog.Open(Path.Combine(dir, "artifacts", "tiny", "runs", "default"));
        var rows = SqlRunner.Query(catalog.Connection, "SELECT step, loss FROM train ORDER BY step").Rows
            .Select(r => (Step: Convert.ToInt64(r[0]), Loss: Convert.ToDouble(r[1]))).ToList();
        Assert.Equal(Enumerable.Range(1, (int)step).Select(i => (long)i), rows.Select(r => r.Step));   // every step to it, none after
        // The last row is why it stopped: not a number, or above 100× the first step's loss (train.max_loss_ratio).
        Assert.True(!double.IsFinite(rows[^1].Loss) || rows[^1].Loss > 100 * rows[0].Loss, $"{rows[^1]} vs {rows[0]}");
        Assert.All(rows[..^1], r => Assert.True(double.IsFinite(r.Loss) && r.Loss <= 100 * rows[0].Loss, r.ToString()));
    }

    [Fact]
    public async Task ATinyRunWritesMetricsTheCheckpointAndTheExport()
    {
        var result = await PipelineRunner.RunAsync(SpecLoader.LoadText(TinyYaml(), "tiny.yaml"), Path.Combine(dir, "artifacts"),
            SilentProgress.Instance, CancellationToken.None, dataDirectory: dir);
        var run = Path.Combine(result.SweepDir, "runs", "default");
        using var catalog = ArtifactCatalog.Open(result.SweepDir);
        long Count(string sql) => Convert.ToInt64(SqlRunner.Query(catalog.Connection, sql).Rows.Single()[0]);
        Assert.Equal(6, Count("SELECT count(*) FROM train WHERE loss > 0"));
        Assert.Equal(3, Count("SELECT count(*) FROM eval"));                        // steps 0 (untrained), 3 and 6
        Assert.Equal(3 * 2, Count("SELECT count(*) FROM task_metrics"));            // 3 evaluations × (train, test)
        Assert.Equal(0, Count("SELECT compute_flops FROM eval WHERE step = 0"));
        // 0.02 instances per token × 64 tokens × 6 steps = 7.68 → 7 injected instances.
        Assert.Equal(7, Count("SELECT count(*) FROM injections"));
        // Compute = 6 · parameters · tokens, tokens = 6 steps × 4 rows × 16 positions.
        double compute = Convert.ToDouble(SqlRunner.Query(catalog.Connection, "SELECT compute_flops FROM train WHERE step = 6").Rows.Single()[0]);
        Assert.Equal(6.0 * Count("SELECT parameters FROM model") * (6 * 4 * 16), compute);
        Assert.True(File.Exists(Path.Combine(run, "checkpoint", "cursor.json")));
        Assert.True(File.Exists(Path.Combine(run, "export", "model.safetensors")));
        Assert.True(File.Exists(Path.Combine(run, "export", "config.json")));
    }

    [Fact]
    public async Task Reference_tasks_are_scored_at_every_evaluation_and_never_injected()
    {
        var yaml = TinyYaml(extra: ", reference_tasks: [{name: ref_add, digits: 1, instances: 8}]");
        var result = await PipelineRunner.RunAsync(SpecLoader.LoadText(yaml, "tiny.yaml"), Path.Combine(dir, "artifacts"),
            SilentProgress.Instance, CancellationToken.None, dataDirectory: dir);
        using var catalog = ArtifactCatalog.Open(result.SweepDir);
        var rows = SqlRunner.Query(catalog.Connection, "SELECT step, loss, accuracy FROM task_metrics WHERE task = 'ref_add' ORDER BY step").Rows;
        Assert.Equal([0L, 3L, 6L], rows.Select(r => Convert.ToInt64(r[0])));
        Assert.Equal("reference", SqlRunner.Query(catalog.Connection, "SELECT DISTINCT split FROM task_metrics WHERE task = 'ref_add'").Rows.Single()[0]);
        // Untrained, the model is near uniform over its vocabulary: the answer tokens cost about ln V each.
        double lnV = Math.Log(Convert.ToDouble(SqlRunner.Query(catalog.Connection, "SELECT vocab_size FROM model").Rows.Single()[0]));
        Assert.InRange(Convert.ToDouble(rows[0][1]), lnV - 0.5, lnV + 0.5);
        Assert.Equal(0, Convert.ToInt64(SqlRunner.Query(catalog.Connection, "SELECT count(*) FROM injections WHERE task = 'ref_add'").Rows.Single()[0]));
    }

    [Fact]
    public async Task A_reference_task_longer_than_the_rows_stops_the_run_before_training_naming_it()
    {
        // 9-digit operands as bytes: about 33 tokens, against rows of 16.
        var yaml = TinyYaml(extra: ", reference_tasks: [{name: ref_long, digits: 9, instances: 4}]");
        var error = await Assert.ThrowsAnyAsync<Exception>(() => PipelineRunner.RunAsync(SpecLoader.LoadText(yaml, "tiny.yaml"), Path.Combine(dir, "artifacts"),
            SilentProgress.Instance, CancellationToken.None, dataDirectory: dir));
        // The message `validate` gives at the task's line where it can build the tokenizer (ReferenceTaskLengthValidateTests).
        Assert.Contains("olmo.reference_tasks[0]: ref_long's longest instance is 34 tokens with the EOS, more than data.packing.seq_len (16); " +
            "shorten the template or the digits, or raise seq_len", error.Message);
    }

    [Fact]
    public async Task A_constant_learning_rate_schedule_is_honoured_after_the_warm_up()
    {
        // train.lr_schedule was read by the synthetic trainer only; an OLMo run decayed by cosine whatever it said.
        var yaml = TinyYaml(steps: 4).Replace("warmup_steps: 1,", "warmup_steps: 2, lr_schedule: constant,");
        var result = await PipelineRunner.RunAsync(SpecLoader.LoadText(yaml, "tiny.yaml"), Path.Combine(dir, "artifacts"),
            SilentProgress.Instance, CancellationToken.None, dataDirectory: dir);
        using var catalog = ArtifactCatalog.Open(result.SweepDir);
        var lrs = SqlRunner.Query(catalog.Connection, "SELECT lr FROM train ORDER BY step").Rows.Select(r => Convert.ToDouble(r[0])).ToArray();
        // Linear warm-up over 2 steps (step s at s/2 of the rate), then the rate itself.
        Assert.Equal([0.0015, 0.003, 0.003, 0.003], lrs.Select(l => Math.Round(l, 9)));
    }

    [Fact]
    public async Task AFailingAnalysisKeepsTheTrainingAndSaysHowToRedoIt()
    {
        // Valid against the schemas (so `validate` passes it), failing only on the data: a cast of text.
        var yaml = TinyYaml(steps: 2) + "\nanalysis:\n  tables:\n    - {name: broken, sql: \"SELECT CAST('x' || step AS INTEGER) AS bad FROM train\"}";
        var error = await Assert.ThrowsAsync<AnalysisException>(() => PipelineRunner.RunAsync(SpecLoader.LoadText(yaml, "tiny.yaml"),
            Path.Combine(dir, "artifacts"), SilentProgress.Instance, CancellationToken.None, dataDirectory: dir));
        Assert.Equal("analysis table 'broken'", error.Step);
        Assert.Contains("Conversion Error", error.Message);   // DuckDB's cause, still there
        Assert.Contains("pipeline analyze", error.Message);
        var sweep = Path.Combine(dir, "artifacts", "tiny");
        using var catalog = ArtifactCatalog.Open(sweep);   // the training's tables are complete and readable
        Assert.Equal(2L, Convert.ToInt64(SqlRunner.Query(catalog.Connection, "SELECT count(*) FROM train").Rows.Single()[0]));
    }

    [Fact]
    public async Task AnInterruptedAndResumedRunEqualsAnUninterruptedOne()
    {
        // Long enough that a stop at step 3 leaves it unfinished whatever is in flight (the trainer runs ahead of the writer,
        // StopAt.RunAhead: 40 steps were not, on a loaded machine).
        const int Steps = 3 + (int)StopAt.RunAhead + 1;
        var yaml = TinyYaml(steps: Steps, extra: ", checkpoint_every: 2");
        var whole = await PipelineRunner.RunAsync(SpecLoader.LoadText(yaml, "tiny.yaml"), Path.Combine(dir, "whole"),
            SilentProgress.Instance, CancellationToken.None, dataDirectory: dir);

        using var stop = new CancellationTokenSource();
        var cut = await PipelineRunner.RunAsync(SpecLoader.LoadText(yaml, "tiny.yaml"), Path.Combine(dir, "cut"),
            new StopAt(3, stop), stop.Token, dataDirectory: dir);
        Assert.True(cut.Interrupted);
        var log = new StopAt(-1, stop);
        var resumed = await PipelineRunner.RunAsync(SpecLoader.LoadText(yaml, "tiny.yaml"), Path.Combine(dir, "cut"),
            log, CancellationToken.None, dataDirectory: dir, resume: true);
        // It continued from a checkpoint before the end (every 2 steps; the cut came at step 3 with a few
        // batches still in flight), not from scratch.
        var resumedAt = log.Messages.Select(m => System.Text.RegularExpressions.Regex.Match(m, "resuming from the checkpoint at step (\\d+)$"))
            .Single(m => m.Success).Groups[1].Value;
        Assert.InRange(int.Parse(resumedAt), 2, Steps - 1);
        Assert.Equal("completed", resumed.Runs.Single().Status.State);

        static string Rows(string sweep, string sql) => SweepRows.Of(sweep, sql);
        foreach (var sql in new[] { "SELECT step, loss, grad_norm FROM train ORDER BY step",
                                    "SELECT step, validation_loss FROM eval ORDER BY step",
                                    "SELECT step, task, split, loss FROM task_metrics ORDER BY step, task, split",
                                    "SELECT step, row, \"offset\", instance_id FROM injections ORDER BY step, row, \"offset\"" })
            Assert.Equal(Rows(whole.SweepDir, sql), Rows(resumed.SweepDir, sql));
        Assert.Equal($"{Steps}", Rows(resumed.SweepDir, "SELECT count(*) FROM train"));
    }

    [Fact]
    public async Task A_run_stopped_between_checkpoints_checkpoints_where_it_stopped_and_resumes_there()
    {
        // No scheduled checkpoint before the end: the stop (Ctrl+C, a scheduler's warning) saves one. Mid-run however far the
        // trainer ran ahead of the stop at step 3 (StopAt.RunAhead).
        const int Steps = 3 + (int)StopAt.RunAhead + 1;
        var yaml = TinyYaml(steps: Steps);
        var whole = await PipelineRunner.RunAsync(SpecLoader.LoadText(yaml, "tiny.yaml"), Path.Combine(dir, "whole"),
            SilentProgress.Instance, CancellationToken.None, dataDirectory: dir);
        using var stop = new CancellationTokenSource();
        var stopping = new StopAt(3, stop);
        var cut = await PipelineRunner.RunAsync(SpecLoader.LoadText(yaml, "tiny.yaml"), Path.Combine(dir, "cut"),
            stopping, stop.Token, dataDirectory: dir);
        Assert.True(cut.Interrupted);
        long stoppedAt = cut.Runs.Single().Status.Steps;
        Assert.InRange(stoppedAt, 3, Steps - 1);
        Assert.Contains(stopping.Messages, m => m.Contains($"stopped at step {stoppedAt}; checkpoint saved"));

        var log = new StopAt(-1, stop);
        var resumed = await PipelineRunner.RunAsync(SpecLoader.LoadText(yaml, "tiny.yaml"), Path.Combine(dir, "cut"),
            log, CancellationToken.None, dataDirectory: dir, resume: true);
        Assert.Contains(log.Messages, m => m.EndsWith($"resuming from the checkpoint at step {stoppedAt}"));
        foreach (var sql in new[] { "SELECT step, loss, grad_norm FROM train ORDER BY step",
                                    "SELECT step, validation_loss FROM eval ORDER BY step",
                                    "SELECT step, task, split, loss FROM task_metrics ORDER BY step, task, split",
                                    "SELECT step, row, \"offset\", instance_id FROM injections ORDER BY step, row, \"offset\"" })
            Assert.Equal(SweepRows.Of(whole.SweepDir, sql), SweepRows.Of(resumed.SweepDir, sql));
    }

    [Fact]
    public async Task OlmoRunsTrainedConcurrentlyWriteWhatTheyWriteOneAfterAnother()
    {
        // Two seeds of two shapes: four runs, each on its own trainer thread when jobs = 2.
        var yaml = TinyYaml(steps: 4) + "\nsweep:\n  seed: [0, 1]\n  olmo.hidden: [32, 16]";
        static string Rows(PipelineResult r, string sql) => SweepRows.Of(r.SweepDir, sql);
        var one = await PipelineRunner.RunAsync(SpecLoader.LoadText(yaml, "tiny.yaml"), Path.Combine(dir, "one"),
            SilentProgress.Instance, CancellationToken.None, dataDirectory: dir, jobs: 1);
        var two = await PipelineRunner.RunAsync(SpecLoader.LoadText(yaml, "tiny.yaml"), Path.Combine(dir, "two"),
            SilentProgress.Instance, CancellationToken.None, dataDirectory: dir, jobs: 2);

        Assert.Equal(4, two.Runs.Count);
        Assert.All(two.Runs, r => Assert.Equal("completed", r.Status.State));
        Assert.Equal(one.Runs.Select(r => r.Run), two.Runs.Select(r => r.Run));   // sweep order either way
        // Different seeds and shapes really differ, so equal tables are not four copies of one run.
        Assert.Equal("4", Rows(two, "SELECT count(DISTINCT loss) FROM train WHERE step = 4"));
        foreach (var sql in new[] { "SELECT run, step, loss, grad_norm FROM train ORDER BY run, step",
                                    "SELECT run, step, task, split, loss, label_accuracy FROM task_metrics ORDER BY run, step, task, split" })
            Assert.Equal(Rows(one, sql), Rows(two, sql));
    }
}
