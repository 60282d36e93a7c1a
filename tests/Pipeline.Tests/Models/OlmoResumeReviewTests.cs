using System.Text.Json.Nodes;
using Retention.Pipeline;
using Retention.Spec;
using Retention.Tests.Pipeline;

namespace Retention.Tests.Models;

/// <summary>
/// What an OLMo --resume keeps and says after an attempt that failed or stopped: a refused resume cuts no table (rows beyond
/// the checkpoint included), a run that failed before its first checkpoint is said to train from step 0, stages.arrow of
/// other columns is refused as the other tables are, and the divergence check keeps the first step's loss as its reference.
/// </summary>
public class OlmoResumeReviewTests() : InTempFolder("olmo-resume-review-")
{
    string RunDir => Path.Combine(dir, "artifacts", "tiny", "runs", "default");

    /// <summary>Steps of the runs stopped at step 12 (or 5): mid-run however far the trainer ran ahead of the stop.</summary>
    const long Steps = 12 + StopAt.RunAhead + 1;

    Task<PipelineResult> Run(string yaml, IRunProgress progress, CancellationToken stop, bool resume) =>
        PipelineRunner.RunAsync(SpecLoader.LoadText(yaml, "tiny.yaml"), Path.Combine(dir, "artifacts"), progress, stop,
            dataDirectory: dir, resume: resume, analyze: false);

    /// <summary>lr 30 with Adam diverges within a few steps (see OlmoExperimentTests); the step that diverged.</summary>
    async Task<long> DivergeAsync(string yaml)
    {
        var error = await Assert.ThrowsAsync<PipelineRunException>(() => Run(yaml, SilentProgress.Instance, CancellationToken.None, resume: false));
        return long.Parse(System.Text.RegularExpressions.Regex.Match(error.Message, @"training loss (?:is )?\S+ at step (\d+)").Groups[1].Value);
    }

    static string Diverging(string dir, int checkpointEvery) =>
        TinyCorpus.TinyOlmo(dir, 40, $", checkpoint_every: {checkpointEvery}").Replace("lr: 0.003", "lr: 30");

    [Fact]
    public async Task A_resume_refused_by_a_later_table_keeps_the_earlier_tables_rows_beyond_the_checkpoint()
    {
        // A checkpoint every step: the run diverges at step d with its checkpoint at d - 1, and train.arrow holds step d's row.
        long diverged = await DivergeAsync(Diverging(dir, 1));
        Assert.InRange(diverged, 2, 40);
        Assert.Equal(Enumerable.Range(1, (int)diverged).Select(s => (long)s), AttemptRecords.TrainRows(RunDir).Select(r => r.Step));

        // eval.arrow (added after train.arrow) has other columns: the resume refuses it before any table is cut.
        await AttemptRecords.Spoil(Path.Combine(RunDir, "eval.arrow"));
        var failure = await Assert.ThrowsAsync<PipelineRunException>(() => Run(Diverging(dir, 1), SilentProgress.Instance, CancellationToken.None, resume: true));
        Assert.Contains("other columns", failure.Message);
        Assert.Equal(Enumerable.Range(1, (int)diverged).Select(s => (long)s), AttemptRecords.TrainRows(RunDir).Select(r => r.Step));
    }

    [Fact]
    public async Task A_resume_of_a_run_that_failed_before_its_first_checkpoint_says_it_trains_from_step_0()
    {
        long diverged = await DivergeAsync(Diverging(dir, 1000));
        Assert.True(File.Exists(Path.Combine(RunDir, "train.arrow")));   // the failure completed its tables
        Assert.False(Directory.Exists(Path.Combine(RunDir, "checkpoint")));

        using var never = new CancellationTokenSource();
        var progress = new StopAt(long.MaxValue, never);
        await Assert.ThrowsAsync<PipelineRunException>(() => Run(Diverging(dir, 1000), progress, never.Token, resume: true));
        Assert.Contains("default: no checkpoint to resume from; training from step 0 (none was saved: the first comes at step " +
            "olmo.checkpoint_every = 1,000, or when stopped by a signal (Ctrl+C, SIGTERM, SIGUSR1) and let wind down, not when killed, " +
            "stopped at once (a second Ctrl+C, or the end of the grace period) or failing)", progress.Messages);
        Assert.InRange(diverged, 2, 40);
    }

    [Fact]
    public async Task A_resume_refuses_stages_arrow_of_other_columns_and_keeps_the_first_steps_loss_as_the_divergence_reference()
    {
        string yaml = TinyCorpus.TinyOlmo(dir, Steps);
        long at;
        using (var stop = new CancellationTokenSource())
        {
            var cut = await Run(yaml, new StopAt(12, stop), stop.Token, resume: false);
            at = cut.Runs.Single().Status.Steps;
            Assert.InRange(at, 12, Steps - 1);
        }
        var rows = AttemptRecords.TrainRows(RunDir);

        // stages.arrow of other columns (the checkpoint's, which a resume starts from): the clear error the other tables give,
        // and no row lost.
        var stages = Path.Combine(RunDir, "checkpoint", StageTimes.File);
        await AttemptRecords.Spoil(stages);
        var refused = await Assert.ThrowsAsync<PipelineRunException>(() => Run(yaml, SilentProgress.Instance, CancellationToken.None, resume: true));
        Assert.Contains("stages.arrow", refused.Message);
        Assert.Contains("other columns", refused.Message);
        Assert.Equal(rows.Select(r => r.Step), AttemptRecords.TrainRows(RunDir).Select(r => r.Step));
        AttemptRecords.Restore(stages);

        // The checkpoint keeps the reference: step 1's loss (log_every 1, so train.arrow's first row).
        var trainerJson = Path.Combine(RunDir, "checkpoint", "trainer.json");
        var meta = JsonNode.Parse(File.ReadAllText(trainerJson))!.AsObject();
        double firstLoss = FirstLoss();
        Assert.Equal(firstLoss, (double)meta["DivergenceReference"]!);

        // A resume compares with it, not with its own first loss: with a reference 1,000 times lower, the first step after
        // the checkpoint is more than 100 times it (train.max_loss_ratio's default) and ends the run.
        double low = firstLoss / 1000;
        meta["DivergenceReference"] = low;
        File.WriteAllText(trainerJson, meta.ToJsonString());
        var diverged = await Assert.ThrowsAsync<PipelineRunException>(() => Run(yaml, SilentProgress.Instance, CancellationToken.None, resume: true));
        Assert.Contains($"at step {at + 1} in run 'default' is more than 100× its first value {low:G4}", diverged.Message);
    }

    [Fact]
    public async Task A_checkpoint_of_an_older_version_takes_its_divergence_reference_from_the_earliest_kept_train_row()
    {
        string yaml = TinyCorpus.TinyOlmo(dir, Steps);
        long at;
        using (var stop = new CancellationTokenSource())
            at = (await Run(yaml, new StopAt(12, stop), stop.Token, resume: false)).Runs.Single().Status.Steps;

        // As older versions wrote it: no reference in trainer.json.
        var trainerJson = Path.Combine(RunDir, "checkpoint", "trainer.json");
        var meta = JsonNode.Parse(File.ReadAllText(trainerJson))!.AsObject();
        Assert.True(meta.Remove("DivergenceReference"));
        File.WriteAllText(trainerJson, meta.ToJsonString());
        // The earliest kept row's loss 1,000 times lower than it was: the first step after the checkpoint is more than
        // 100 times it. Compared with its own first loss instead, the resumed run would train on.
        var train = Path.Combine(RunDir, "train.arrow");
        var rows = new List<OlmoTrainRow>();
        using (var reader = new Apache.Arrow.Ipc.ArrowFileReader(File.OpenRead(train)))
            while (reader.ReadNextRecordBatch() is { } b)
                using (b)
                    for (int i = 0; i < b.Length; i++)
                        rows.Add(new OlmoTrainRow(((Apache.Arrow.Int64Array)b.Column("step")).GetValue(i)!.Value, ((Apache.Arrow.DoubleArray)b.Column("loss")).GetValue(i)!.Value,
                            ((Apache.Arrow.DoubleArray)b.Column("lr")).GetValue(i)!.Value, ((Apache.Arrow.DoubleArray)b.Column("grad_norm")).GetValue(i)!.Value,
                            ((Apache.Arrow.Int64Array)b.Column("tokens")).GetValue(i)!.Value, ((Apache.Arrow.DoubleArray)b.Column("compute_flops")).GetValue(i)!.Value,
                            ((Apache.Arrow.DoubleArray)b.Column("elapsed_s")).GetValue(i)!.Value));
        Assert.Equal(1, rows[0].Step);
        double low = rows[0].Loss / 1000;
        rows[0] = rows[0] with { Loss = low };
        await Retention.Artifacts.ArrowFiles.WriteTableAsync(train, OlmoRunGraph.TrainTable, rows);

        var diverged = await Assert.ThrowsAsync<PipelineRunException>(() => Run(yaml, SilentProgress.Instance, CancellationToken.None, resume: true));
        Assert.Contains($"at step {at + 1} in run 'default' is more than 100× its first value {low:G4}", diverged.Message);
    }

    [Fact]
    public async Task A_resume_from_a_damaged_checkpoint_names_the_damaged_file_and_keeps_the_rows()
    {
        string yaml = TinyCorpus.TinyOlmo(dir, Steps);
        using (var stop = new CancellationTokenSource())
            await Run(yaml, new StopAt(5, stop), stop.Token, resume: false);
        var steps = AttemptRecords.TrainRows(RunDir).Select(r => r.Step).ToList();
        var checkpoint = Path.Combine(RunDir, "checkpoint");
        var saved = Path.Combine(dir, "saved-checkpoint");
        CopyFolder(checkpoint, saved);

        // Each file cut short in turn (a partial copy): the error starts with its path, and no row goes.
        foreach (var name in new[] { "trainer.json", "model.bin", "optimizer.bin" })
        {
            var file = Path.Combine(checkpoint, name);
            using (var f = new FileStream(file, FileMode.Open)) f.SetLength(Math.Min(f.Length / 2, 200));
            var failure = await Assert.ThrowsAsync<PipelineRunException>(() => Run(yaml, SilentProgress.Instance, CancellationToken.None, resume: true));
            Assert.Contains($"{file}: the checkpoint", failure.Message);
            Assert.Contains("damaged", failure.Message);
            Assert.Equal(steps, AttemptRecords.TrainRows(RunDir).Select(r => r.Step));
            Directory.Delete(checkpoint, true);
            CopyFolder(saved, checkpoint);
        }
    }

    static void CopyFolder(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var f in Directory.GetFiles(from)) File.Copy(f, Path.Combine(to, Path.GetFileName(f)));
    }

    double FirstLoss()
    {
        using var reader = new Apache.Arrow.Ipc.ArrowFileReader(File.OpenRead(Path.Combine(RunDir, "train.arrow")));
        using var batch = reader.ReadNextRecordBatch();
        Assert.Equal(1, ((Apache.Arrow.Int64Array)batch.Column("step")).GetValue(0));
        return ((Apache.Arrow.DoubleArray)batch.Column("loss")).GetValue(0)!.Value;
    }
}
