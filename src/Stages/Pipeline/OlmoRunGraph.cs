using System.Diagnostics;
using Retention.Artifacts;
using Retention.Data;
using Retention.Models;
using Retention.Probes;
using Retention.Spec;
using Retention.Training;

namespace Retention.Pipeline;

/// <summary>train.arrow of an OLMo run: one row per logging step.</summary>
public sealed record OlmoTrainRow(long Step, double Loss, double Lr, double GradNorm, long Tokens, double ComputeFlops, double ElapsedSeconds);

/// <summary>eval.arrow: LM validation loss at an evaluation step.</summary>
public sealed record OlmoEvalRow(long Step, long Tokens, double ComputeFlops, double ValidationLoss);

/// <summary>task_metrics.arrow: each task split's loss and accuracy at the label position.</summary>
public sealed record TaskMetricRow(long Step, string Task, string Split, double Loss, double Accuracy, double LabelAccuracy);

/// <summary>model.arrow: what was trained and how (one row): the seed and peak learning rate let
/// analyses group a sweep's seeds and compare per-size learning rates.</summary>
public sealed record ModelRow(string Preset, long Parameters, int Layers, int Hidden, int MlpDim, int Heads, int VocabSize,
    int SeqLen, int BatchSize, long Steps, string Precision, string Device, int Seed, double Lr);

/// <summary>tasks.arrow: the injected tasks of the run (one row per task), with every setting of data.tasks that is one
/// value, so a task is read back from its table, not from run.yaml. <paramref name="Items"/> is the number the task was
/// built with (n items of the order, or the modulus p), the kind's default where the YAML left 0; <paramref name="Seed"/> is
/// the task's own seed, not the run's.</summary>
public sealed record TaskRow(string Task, string Kind, double Frequency, long Gap, int Instances,
    int Items, int TrainInstances, int Seed, string Tokens)
{
    public static TaskRow Of(InjectedTaskSpec spec)
    {
        var task = InjectedTask.Create(spec);
        return new TaskRow(task.Name, spec.Kind, spec.Frequency, spec.Gap, spec.Instances, task.ItemCount, task.TrainCount, task.Seed, spec.Tokens);
    }

    /// <summary>tasks.arrow: each data.tasks entry's settings, written by OLMo and data runs alike, so SQL checks injections
    /// against the same table either way.</summary>
    public static Task WriteAsync(string runDir, IEnumerable<InjectedTaskSpec> tasks) =>
        ArrowFiles.WriteTableAsync(Path.Combine(runDir, "tasks.arrow"), OlmoRunGraph.TasksTable, [.. tasks.Select(Of)]);
}

/// <summary>
/// experiment: olmo — one run as a Dataflow graph, read top to bottom:
///
///   stream (DataStream: source |> tokenize |> pack |> batch |> inject)
///     |> train (OlmoTrainer on its own thread)
///          |> {evaluate, probes (DAS, Fourier, gradients, injection retention), checkpoint, export}
///             (model stages on the trainer thread, before or after each update: see IModelStage)
///     |> write (every table; sealed and the checkpoint promoted at each checkpoint)
///
/// Compute is estimated as 6 · parameters · tokens. The last step (train.steps, or the step where the data ran out)
/// writes a checkpoint (model, optimiser, data cursor) to checkpoint/ and the weights as safetensors to export/.
/// </summary>
public static class OlmoRunGraph
{
    /// <param name="EndsRun">The step's loss is not finite or diverged: its train row is written, then the run ends.</param>
    /// <param name="Times">With a checkpoint among the rows: the stage times as they stood once the step was done, saved with it
    /// (taken on the trainer thread, before it trains on: the writer sees the checkpoint later).</param>
    /// <param name="Final">The step is the run's last: train.steps, or the last batch its data gave.</param>
    sealed record Outcome(OlmoStepOutcome Step, TrainingBatch Batch, IReadOnlyList<object> Rows, Exception? EndsRun = null,
        IReadOnlyList<StageTimeRow>? Times = null, bool Final = false);

    /// <summary>A batch, and whether the data ran out after it (the sources' epochs all read, the run not stopped).</summary>
    sealed record FedBatch(TrainingBatch Batch, bool EndsData);

    /// <summary>The batches, the last one marked when the data runs out: that step is trained as the last of train.steps is
    /// (a train row, evaluation, probes, checkpoint, export), so a run that ran out of data ends with its tables complete up
    /// to the step it reached and its model saved. One batch is read ahead; an enumeration ended by a stop marks none.</summary>
    static IEnumerable<FedBatch> MarkDataEnd(IEnumerable<TrainingBatch> batches, CancellationToken stop)
    {
        using var e = batches.GetEnumerator();
        if (!e.MoveNext()) yield break;
        var current = e.Current;
        while (e.MoveNext())
        {
            yield return new FedBatch(current, false);
            current = e.Current;
        }
        yield return new FedBatch(current, !stop.IsCancellationRequested);
    }

    /// <summary>The data-quality issues recorded by the time a checkpoint's rows were sealed, kept in
    /// the checkpoint so that a resumed run's data_quality.arrow still lists them.</summary>
    const string QualityFile = "data_quality.arrow";

    internal static readonly RecordBatchBuilder<OlmoTrainRow> TrainTable = new RecordBatchBuilder<OlmoTrainRow>()
        .Int64("step", r => r.Step).Float64("loss", r => r.Loss).Float64("lr", r => r.Lr).Float64("grad_norm", r => r.GradNorm)
        .Int64("tokens", r => r.Tokens).Float64("compute_flops", r => r.ComputeFlops).Float64("elapsed_s", r => r.ElapsedSeconds);
    internal static readonly RecordBatchBuilder<OlmoEvalRow> EvalTable = new RecordBatchBuilder<OlmoEvalRow>()
        .Int64("step", r => r.Step).Int64("tokens", r => r.Tokens).Float64("compute_flops", r => r.ComputeFlops)
        .Float64("validation_loss", r => r.ValidationLoss);
    internal static readonly RecordBatchBuilder<TaskMetricRow> TaskTable = new RecordBatchBuilder<TaskMetricRow>()
        .Int64("step", r => r.Step).Utf8("task", r => r.Task).Utf8("split", r => r.Split).Float64("loss", r => r.Loss)
        .Float64("accuracy", r => r.Accuracy).Float64("label_accuracy", r => r.LabelAccuracy);
    internal static readonly RecordBatchBuilder<ModelRow> ModelTable = new RecordBatchBuilder<ModelRow>()
        .Utf8("preset", r => r.Preset).Int64("parameters", r => r.Parameters).Int32("layers", r => r.Layers)
        .Int32("hidden", r => r.Hidden).Int32("mlp_dim", r => r.MlpDim).Int32("heads", r => r.Heads)
        .Int32("vocab_size", r => r.VocabSize).Int32("seq_len", r => r.SeqLen).Int32("batch_size", r => r.BatchSize)
        .Int64("steps", r => r.Steps).Utf8("precision", r => r.Precision).Utf8("device", r => r.Device)
        .Int32("seed", r => r.Seed).Float64("lr", r => r.Lr);
    internal static readonly RecordBatchBuilder<TaskRow> TasksTable = new RecordBatchBuilder<TaskRow>()
        .Utf8("task", r => r.Task).Utf8("kind", r => r.Kind).Float64("frequency", r => r.Frequency).Int64("gap", r => r.Gap)
        .Int32("instances", r => r.Instances)
        // Added after the first five (older runs' tables lack them: a query over a sweep reads NULL there). task_seed and task_tokens,
        // not seed and tokens: model.arrow's seed (the run's) and train/eval's tokens (a count) would make them ambiguous in a join.
        .Int32("items", r => r.Items).Int32("train_instances", r => r.TrainInstances).Int32("task_seed", r => r.Seed).Utf8("task_tokens", r => r.Tokens);

    /// <summary>The model a spec asks for: the preset with any shape overrides, its vocabulary
    /// the tokenizer's plus the appended task tokens unless olmo.vocab_size is set (<see cref="TokenizerFit.ModelVocab"/>,
    /// the rule `validate` checks).</summary>
    public static OlmoConfig ModelConfig(OlmoSpec o, DataSpec data, TextTokenizer? tokenizer = null)
    {
        tokenizer ??= TextTokenizer.Create(data.Tokenizer);
        int needed = TokenizerFit.NeededIds([.. data.Tasks.Select(t => (t, InjectedTask.Create(t)))], tokenizer.VocabSize, tokenizer.EosId);
        var (vocab, refusal) = TokenizerFit.ModelVocab(o, needed, tokenizer.VocabSize);
        if (refusal is not null) throw new ArgumentException($"olmo.vocab_size {refusal}");
        return Shape(o, vocab, data.Packing.SeqLen).Validated();
    }

    /// <summary>How the run's log and `validate` name what an OLMo run trains: "shape", as olmo.layers, hidden, mlp_dim
    /// and heads may override the preset's sizes (the parameter count beside it says which model it is).</summary>
    public static string ShapeLabel(string preset) => $"OLMo {preset} shape";

    /// <summary>The preset with the spec's shape overrides (0 keeps the preset's value).</summary>
    public static OlmoConfig Shape(OlmoSpec o, int vocab, int seqLen)
    {
        var p = OlmoConfig.Preset(o.Preset, vocab);
        return p with
        {
            Layers = o.Layers > 0 ? o.Layers : p.Layers,
            Hidden = o.Hidden > 0 ? o.Hidden : p.Hidden,
            MlpDim = o.MlpDim > 0 ? o.MlpDim : p.MlpDim,
            Heads = o.Heads > 0 ? o.Heads : p.Heads,
            MaxSeqLen = seqLen,
        };
    }

    /// <param name="resume">Continue from checkpoint/ when an earlier attempt left one: the model,
    /// optimiser and data stream resume bit for bit, and the tables keep the earlier rows up to
    /// the checkpoint's step.</param>
    /// <param name="absoluteIdsFrom">Name documents without ids as runs did before names were relative (<see cref="DataStreamSpec.AbsoluteIdsFrom"/>).</param>
    /// <param name="earlierDataDirectory">The data directory the earlier attempt recorded, where the absolute shard names of the
    /// issues an earlier version saved with the checkpoint resolve (<see cref="EarlierIssueNames"/>).</param>
    public static async Task<RunStatus> RunAsync(GraphCell cell, string baseDirectory, IRunProgress progress, CancellationToken stop,
        bool resume = false, string? absoluteIdsFrom = null, string? earlierDataDirectory = null)
    {
        var spec = cell.Spec;
        var (data, olmo) = (spec.Data!, spec.Olmo!);
        var stream = new DataStreamSpec(data.Sources, data.Tokenizer, data.Packing, data.Tasks, spec.Seed, absoluteIdsFrom);
        var tokenizer = TextTokenizer.Create(data.Tokenizer, baseDirectory, stop);   // built once (cl100k's takes a fraction of a second); a first gpt2 use fetches
        var config = ModelConfig(olmo, data, tokenizer);
        var trainSpec = new OlmoTrainSpec(spec.Train.Steps, spec.Train.WarmupSteps, spec.Train.Lr, spec.Train.MinLrRatio,
            olmo.WeightDecay, Beta2: olmo.Beta2, ClipGradNorm: olmo.ClipGradNorm, GradAccumulation: olmo.GradAccumulation,
            CheckpointEvery: olmo.CheckpointEvery, Seed: spec.Seed, Precision: olmo.Precision, FusedOptimizer: olmo.FusedAdamw,
            FusedElementwise: olmo.FusedElementwise, Schedule: spec.Train.LrSchedule).Validated();
        var device = Devices.Resolve(spec.Device);
        var precision = MixedPrecision.Name(MixedPrecision.ComputeDtype(trainSpec.Precision, device));
        long parameters = config.ParameterCount(), tokensPerStep = data.Packing.TokensPerBatch;
        progress.Info($"{cell.RunId}: {ShapeLabel(olmo.Preset)}, {parameters:N0} parameters (vocabulary {config.VocabSize:N0}), " +
                      $"{tokensPerStep:N0} tokens per step, {precision} matmuls on {device}");

        await ArrowFiles.WriteTableAsync(Path.Combine(cell.RunDir, "model.arrow"), ModelTable,
            [new ModelRow(olmo.Preset, parameters, config.Layers, config.Hidden, config.MlpDim, config.Heads, config.VocabSize,
                data.Packing.SeqLen, data.Packing.BatchSize, spec.Train.Steps, precision, device.ToString(), spec.Seed, spec.Train.Lr)]);
        await TaskRow.WriteAsync(cell.RunDir, data.Tasks);

        var checkpointDir = CheckpointFolder.Of(cell.RunDir);
        CheckpointFolder.Recover(checkpointDir);   // a kill may have cut a promotion, or left a pending one
        bool resuming = resume && Directory.Exists(checkpointDir);
        // Said before the validation set is read: an attempt stopped or failing before its first new step still
        // records the checkpoint's step as where the run stands.
        if (resuming) OlmoTrainer.RequireComplete(checkpointDir);
        if (resuming) progress.Resumed(cell.RunId, OlmoTrainer.Describe(checkpointDir).Step);
        else if (resume && ArrowParts.Written(Path.Combine(cell.RunDir, "train.arrow")))
            // An earlier attempt trained but left no checkpoint (killed or failing before the first): its rows are redone.
            progress.Info(ResumeFromZero.Line(cell.RunId, ResumeFromZero.NoneSaved(olmo.CheckpointEvery > 0
                ? $"the first comes at step olmo.checkpoint_every = {olmo.CheckpointEvery:N0}, or"
                : "olmo.checkpoint_every is 0, so one comes only")));

        var shards = RunShardReader.For(cell, progress, stop);
        var validation = DataStream.HeldOut(stream, baseDirectory, stop, tokenizer, shards);
        if (validation.Rows == 0 && data.Packing is { HeldOutEvery: > 0, ValidationRows: > 0 } p)
            progress.Warning($"{cell.RunId}: no validation row (the documents held out, one in data.packing.held_out_every = " +
                $"{p.HeldOutEvery:N0}, do not fill a row of {p.RowLength:N0} tokens in a pass over the sources), so validation_loss is NaN; " +
                "lower held_out_every for a validation loss");
        else if (validation.Rows < data.Packing.ValidationRows && validation.Rows > 0)
            progress.Note($"{cell.RunId}: the held-out documents fill {validation.Rows} of the {data.Packing.ValidationRows} validation rows asked for");
        var evaluator = new OlmoEvaluator(validation, OlmoEvaluator.TaskSets(data.Tasks, tokenizer, olmo.EvalInstances),
            references: ReferenceSets(olmo.ReferenceTasks, tokenizer, data.Packing.SeqLen));
        using var trainerThread = new DedicatedThreadScheduler($"trainer {cell.RunId}");
        var onTrainer = new TaskFactory(trainerThread);
        DataStreamCursor? start = null;
        var trainer = await onTrainer.StartNew(() =>
        {
            if (!resuming) return new OlmoTrainer(config, trainSpec, device);
            var resumed = OlmoTrainer.Resume(checkpointDir, out var cursor, device);
            start = cursor;
            return resumed;
        });
        if (resuming) progress.Info($"{cell.RunId}: resuming from the checkpoint at step {start!.Step}");
        long resumedAt = start?.Step ?? 0;

        // The model stages, in the order they see each step; each probe writes its own table.
        var probes = OlmoProbes.Build(spec, tokenizer, config);
        var divergence = new DivergenceGuard(cell.RunId, spec.Train.MaxLossRatio);
        var checkpoint = new CheckpointStage(trainer, checkpointDir, [.. probes.Select(p => p.Stage).OfType<IStatefulStage>()], divergence);
        IReadOnlyList<IModelStage> stages =
        [
            new EvaluateStage(evaluator, olmo.EvalEvery, tokensPerStep, parameters),
            .. probes.Select(p => p.Stage),
            checkpoint,
            new ExportStage(Path.Combine(cell.RunDir, "export")),
        ];
        if (resuming)
            foreach (var stage in stages.OfType<IStatefulStage>()) await onTrainer.StartNew(() => stage.LoadState(checkpointDir));
        // Each table keeps the rows an interrupted attempt sealed up to the checkpoint's step, every part the checkpoint's manifest names.
        long? keep = resuming ? resumedAt : null;
        var manifest = resuming ? CheckpointManifest.Require(checkpointDir) : null;
        string Table(string file) => Path.Combine(cell.RunDir, file);
        await using var tables = new TableSet(manifest?.SealedParts)
            .Add(Table("train.arrow"), TrainTable, keep).Add(Table("eval.arrow"), EvalTable, keep)
            .Add(Table("task_metrics.arrow"), TaskTable, keep).Add(Table(DataTables.InjectionsFile), DataTables.Injections, keep);
        foreach (var probe in probes) probe.AddTable(tables, cell.RunDir, keep);
        // Everything a resume reads that may refuse it comes before any table is cut (Open checks every table first).
        // Stage times add to the earlier attempts' up to the checkpoint (saved with it, so a kill after it loses none of them).
        var times = resuming ? StageTimes.ResumingFrom(checkpointDir, cell.RunDir) : new StageTimes();
        var quality = resuming
            ? DataQualityLog.Resuming(EarlierIssueNames.Renamed(DataQualityLog.Read(Path.Combine(checkpointDir, QualityFile)), stream,
                baseDirectory, [earlierDataDirectory, absoluteIdsFrom]))
            : new DataQualityLog();
        // The manifest records the numbering the resume leaves (a stopped run's complete tables become part 1), after the check
        // so that a part gone is not forgiven, before the cut so that a kill after it finds the manifest true.
        tables.Open(beforeCut: manifest is null ? null : () => (manifest with { SealedParts = tables.SealedPartsOnceOpen() }).Write(checkpointDir));
        // elapsed_s continues from the time the kept rows had reached.
        var elapsedBefore = resuming ? ResumedClock.Of(Table("train.arrow"), resumedAt) : TimeSpan.Zero;
        // The loss ratio compares with the first step's loss, as without the resume: the checkpoint keeps it (older ones do not).
        if (resuming) ResumedDivergence.Restore(divergence, checkpointDir, Table("train.arrow"), resumedAt);
        using var failure = new FirstFailure();
        var clock = Stopwatch.StartNew();
        long lastStep = resumedAt;   // where the run stands until this attempt writes a step
        DataStreamCursor? lastCursor = null;
        List<object> Run(IReadOnlyList<IModelStage> stages, Func<IModelStage, IEnumerable<object>> call) =>
            [.. stages.SelectMany(s => times.Time(s.Name, () => call(s).ToList()))];   // materialised here, on the trainer thread
        // The rows up to this step reach disk before the checkpoint that resumes after them; the data-quality issues and
        // stage times so far go inside it, so a resume after a kill (which writes neither table) starts from them.
        async Task Promote(long step, IReadOnlyList<StageTimeRow> stageTimes)
        {
            var sealedParts = tables.Seal(step);
            var pending = CheckpointFolder.Pending(checkpointDir, step);
            await quality.WriteAsync(Path.Combine(pending, QualityFile));
            await StageTimes.WriteAsync(Path.Combine(pending, StageTimes.File), stageTimes);
            new CheckpointManifest([QualityFile, StageTimes.File], sealedParts).Write(pending);
            CheckpointFolder.Replace(pending, checkpointDir);
        }
        try
        {
            if (!resuming)
            {
                // Step 0: the probes' reference values, from the model before any update.
                var view0 = new ModelView(trainer.Model, device, 0, null, false);
                foreach (var row in await onTrainer.StartNew(() => Run(stages, s => s.After(view0)))) tables.Write(row);
            }
            bool Logged(long step) => step % spec.Train.LogEvery == 0 || step == spec.Train.Steps;   // a train row is written
            var train = Stage.Transform<FedBatch, Outcome>("train", fed =>
            {
                var batch = fed.Batch;
                // The run's last step: train.steps, or where its data ran out (not a stop: a stopped run resumes from there).
                bool last = batch.Step == spec.Train.Steps || fed.EndsData && !stop.IsCancellationRequested;
                var before = Run(stages, s => s.Before(new ModelView(trainer.Model, device, batch.Step, batch, last)));
                // Loss and gradient norm stay on the device except at logging steps (and the first, the
                // divergence reference, unless a resume restored it): reading them is a host synchronisation every step otherwise.
                bool read = Logged(batch.Step) || last || batch.Step == resumedAt + 1 && divergence.Reference is null;
                var outcome = times.Time(StageTimes.TrainStep, () => trainer.Step(batch, read));
                Exception? ends = !read ? null : double.IsFinite(outcome.Loss) ? divergence.Check(outcome.Step, outcome.Loss)
                    : new InvalidOperationException($"training loss is {outcome.Loss} at step {outcome.Step}: lower train.lr or check the data");
                if (ends is not null) return new Outcome(outcome, batch, before, ends, Final: last);   // no probe reads the broken weights
                var after = Run(stages, s => s.After(new ModelView(trainer.Model, device, batch.Step, batch, last)));
                List<object> rows = [.. before, .. after];
                return new Outcome(outcome, batch, rows, Times: rows.OfType<CheckpointSaved>().Any() ? times.Rows() : null, Final: last);
            }, failure, trainerThread, capacity: 2, endsRun: o => o.EndsRun);
            var write = Stage.Sink<Outcome>("write", async o =>
            {
                long step = o.Step.Step, tokens = step * tokensPerStep;
                foreach (var row in o.Batch.Injections) tables.Write(row);
                if (Logged(step) || o.Final || o.EndsRun is not null)   // the step that ended the run is the evidence of why
                    tables.Write(new OlmoTrainRow(step, o.Step.Loss, o.Step.Lr, o.Step.GradNorm, tokens, 6.0 * parameters * tokens, (elapsedBefore + clock.Elapsed).TotalSeconds));
                foreach (var row in o.Rows.Where(r => r is not CheckpointSaved)) tables.Write(row);
                if (o.Rows.OfType<CheckpointSaved>().Any()) await Promote(step, o.Times!);
                lastStep = step;
                lastCursor = o.Batch.After;
                progress.Step(cell.RunId, step, double.IsNaN(o.Step.Loss) ? null : o.Step.Loss);
            }, failure);
            train.Then(write);
            var batches = DataStream.Open(stream, baseDirectory, quality, start, stop, tokenizer, shards).Take((int)Math.Min(spec.Train.Steps - resumedAt, int.MaxValue));
            await Task.Run(() => Stage.Feed("data", MarkDataEnd(batches, stop), train, failure, stop));
            await write.Completion;
            failure.ThrowIfFailed();
            // Not one step (a run without a validation set, whose pass would have said it): name why, not "data exhausted at step 0".
            if (lastStep == 0 && !stop.IsCancellationRequested && spec.Train.Steps > 0) DataStream.RequireDocument(stream, baseDirectory, tokenizer, shards);
            // Stopped between checkpoints (Ctrl+C, a scheduler's warning): every fed step has trained and
            // been written, so checkpoint here and lose nothing; a resume continues at the next step.
            if (stop.IsCancellationRequested && lastStep < spec.Train.Steps && lastStep > Math.Max(checkpoint.LastSaved, resumedAt) && lastCursor is { } cursor)
            {
                await onTrainer.StartNew(() => checkpoint.Save(lastStep, cursor));
                await Promote(lastStep, times.Rows());   // every fed step has trained: the times are the step's
                progress.Info($"{cell.RunId}: stopped at step {lastStep}; checkpoint saved, --resume continues from it");
            }
        }
        finally
        {
            // A checkpoint never promoted (a failure, a full disk) is of no use to a resume, which removes it too:
            // free its space before the tables complete. On the trainer thread, after any save still running there.
            await onTrainer.StartNew(() =>
            {
                try { CheckpointFolder.Recover(checkpointDir); }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }   // the resume tidies it then
            });
            await CompleteAll.RunAsync([tables.CompleteAsync, () => quality.WriteAsync(Path.Combine(cell.RunDir, "data_quality.arrow")),
                () => StageTimes.WriteAsync(Path.Combine(cell.RunDir, StageTimes.File), times.Rows())]);
            double probeSeconds = times.Rows().Where(r => probes.Any(p => p.Stage.Name == r.Stage)).Sum(r => r.Seconds);
            double trainSeconds = times.Seconds(StageTimes.TrainStep);
            // Stopped before its first step (during the step-0 probes), a share of no training time is no figure.
            if (probes.Count > 0)
                progress.Info($"{cell.RunId}: probes took {probeSeconds:F1} s" + (trainSeconds > 0
                    ? $", {100 * probeSeconds / trainSeconds:F1}% of the training steps' time" : ", before any training step"));
            // As a data run says it: the lines skipped were silent in the console, found only by querying data_quality.arrow.
            if (quality.Summary(QualityFile) is { } skipped) progress.Warning($"{cell.RunId}: {skipped}");
            // Once per run, about the last step DAS probed (the untrained model at step 0 is at chance by design).
            foreach (var warning in probes.Select(p => p.Stage).OfType<DasProbe>().Select(d => d.Warning).OfType<string>())
                progress.Warning($"{cell.RunId}: {warning}");
            await onTrainer.StartNew(trainer.Dispose);
        }
        return RunStatus.After(lastStep, spec.Train.Steps, clock.Elapsed.TotalSeconds, stop.IsCancellationRequested);
    }

    /// <summary>The reference tasks tokenized; one whose longest instance does not fit the model's rows stops the run
    /// before training, naming it (<see cref="ReferenceTask.Fitted"/>; loading says it already where it could build the tokenizer).</summary>
    static IReadOnlyList<ReferenceSet> ReferenceSets(IReadOnlyList<ReferenceTaskSpec> specs, TextTokenizer tokenizer, int seqLen) =>
        [.. ReferenceTask.Fitted(specs, tokenizer, seqLen).Select(f => f.Problem is null ? f.Set : throw new DataException($"{f.Key}: {f.Problem}"))];
}
