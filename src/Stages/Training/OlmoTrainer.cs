using System.Text.Json;
using Retention.Data;
using Retention.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Retention.Training;

/// <summary>
/// Trains an <see cref="OlmoModel"/> one <see cref="TrainingBatch"/> at a time (one thread; owns the
/// model and the optimizer). A step splits the batch's rows into GradAccumulation micro-batches,
/// back-propagates each micro-batch's token-mean cross-entropy divided by GradAccumulation, clips the
/// gradients by their global norm, sets the scheduled learning rate and takes an AdamW step.
///
/// Weight decay: OLMo's default (decay_embeddings = false, no norm/bias parameters here) — every 2-D
/// weight of a Linear layer (attention, MLP and the untied lm_head) is decayed, the token embedding is not.
///
/// Randomness: the model's initialisation (from <see cref="OlmoTrainSpec.Seed"/>) is the only draw;
/// there is no dropout, and the data order lives in the <see cref="DataStreamCursor"/>. A checkpoint
/// (weights, Adam's t, m, v, the cursor and the step) therefore resumes bit for bit on the same device;
/// no RNG state needs saving.
/// </summary>
public sealed class OlmoTrainer : IDisposable
{
    const string ModelFile = "model.bin", OptimizerFile = "optimizer.bin", CursorFile = "cursor.json", TrainerFile = "trainer.json";
    static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    readonly OlmoModel model;
    readonly AdamOptimizer optimizer;
    readonly Device device;

    public OlmoTrainer(OlmoConfig config, OlmoTrainSpec spec, Device? device = null)
    {
        Spec = spec.Validated();
        this.device = device ?? CPU;
        model = new OlmoModel(config, new Generator((ulong)spec.Seed));
        if (this.device.type != DeviceType.CPU) model.to(this.device);
        model.ComputeDtype = MixedPrecision.ComputeDtype(Spec.Precision, this.device);
        model.FusedElementwise = Spec.FusedElementwise;
        model.train();
        optimizer = new AdamOptimizer(DecayGroups(model, spec.WeightDecay), spec.Lr, spec.Beta1, spec.Beta2, spec.Eps, Spec.FusedOptimizer);
    }

    public OlmoTrainSpec Spec { get; }
    public OlmoModel Model => model;
    public AdamOptimizer Optimizer => optimizer;

    /// <summary>Cast each weight once per step when a step has several micro-batches in bf16 (<see cref="WeightCasts"/>);
    /// off, each micro-batch casts again (the reference the shared casts are tested against).</summary>
    internal bool ShareWeightCasts { get; set; } = true;

    /// <summary>Whether a step casts each weight once for all its micro-batches: several of them, in a lower precision.</summary>
    public bool SharesWeightCasts => ShareWeightCasts && Spec.GradAccumulation > 1 && model.ComputeDtype != ScalarType.Float32;

    /// <summary>Called as each phase of a step has been queued (per micro-batch for upload, forward and backward):
    /// `bench train --phases` synchronises there to time each phase on the device. Null in training.</summary>
    public Action<StepPhase>? PhaseEnded { get; set; }

    /// <summary>Steps taken so far (the next batch must be step StepCount + 1).</summary>
    public long StepCount { get; private set; }

    /// <summary>Each parameter with its decay: <paramref name="weightDecay"/> for the 2-D weights of
    /// Linear layers, 0 for the embedding (and anything else).</summary>
    public static IEnumerable<(Parameter Param, double WeightDecay)> DecayGroups(OlmoModel model, double weightDecay)
    {
        foreach (var (name, module) in model.named_modules())
        {
            if (module is not Linear linear) continue;
            foreach (var (pname, p) in linear.named_parameters(recurse: false))
                yield return (p, pname == "weight" && p.dim() == 2 ? weightDecay : 0);
        }
        foreach (var (name, module) in model.named_modules())
        {
            if (module is Linear) continue;
            foreach (var (_, p) in module.named_parameters(recurse: false))
                yield return (p, 0);
        }
    }

    /// <param name="read">Read the loss and the gradient norm to the host (a synchronisation on a GPU): at
    /// logging steps. Without it the step reads nothing: loss, norm and clipping stay on the device.</param>
    public OlmoStepOutcome Step(TrainingBatch batch, bool read = true)
    {
        var tokens = batch.Batch;
        if (batch.Step != StepCount + 1)
            throw new ArgumentException($"batch of step {batch.Step} given to a trainer at step {StepCount} (expected {StepCount + 1})");
        int accum = Spec.GradAccumulation;
        if (tokens.BatchSize % accum != 0)
            throw new ArgumentException($"batch of {tokens.BatchSize} rows does not split into {accum} micro-batches");
        if (tokens.SeqLen > model.Config.MaxSeqLen)
            throw new ArgumentException($"rows of {tokens.SeqLen} tokens exceed the model's {model.Config.MaxSeqLen}");
        int micro = tokens.BatchSize / accum, vocab = model.Config.VocabSize;
        foreach (var id in tokens.Tokens)
            if ((uint)id >= (uint)vocab) throw new ArgumentException($"token id {id} outside the vocabulary of {vocab}");

        long step = StepCount + 1;
        optimizer.ZeroGrad();
        PhaseEnded?.Invoke(StepPhase.ZeroGrad);
        using var scope = NewDisposeScope();
        bool share = SharesWeightCasts;
        Tensor? loss = null;                                                                   // on the device, float64
        using (var casts = share ? model.WeightCasts.Share(model.LinearLayers, model.ComputeDtype) : null)   // released before the update
        using (var inv = (1.0 / accum).ToScalar())
        {
            for (int k = 0; k < accum; k++)
            {
                using var micro_ = NewDisposeScope();
                var slice = tokens.Tokens[(k * micro * tokens.RowLength)..((k + 1) * micro * tokens.RowLength)];
                var (x, y) = BatchBuilder.ToTensors(slice, micro, tokens.RowLength, device);
                PhaseEnded?.Invoke(StepPhase.Upload);
                var logits = model.ComputeLogits(x);                                           // (b, T, V), compute dtype
                var ce = TokenLoss.Mean(logits.reshape(-1, vocab), y.reshape(-1));             // mean over tokens, float32
                var scaled = ce.mul(inv);
                PhaseEnded?.Invoke(StepPhase.Forward);
                scaled.backward();
                if (share) model.WeightCasts.FlushGradients();
                PhaseEnded?.Invoke(StepPhase.Backward);
                if (read)   // the loss is only kept for a logging step
                    using (no_grad())
                    {
                        var part = scaled.detach().to(float64);
                        loss = loss is null ? part.MoveToOuterDisposeScope() : loss.PlusInPlace(part);
                    }
            }
        }

        bool clip = Spec.ClipGradNorm > 0;
        Tensor? norm = null;
        if (clip || read)   // unclipped, the norm is only wanted at a logging step
        {
            var grads = Gradients(model.parameters());   // read once for the norm and the clipping; the step's scope roots them
            norm = GradientLists.Norm(grads);
            if (clip) GradientLists.Clip(grads, norm, Spec.ClipGradNorm);
        }
        PhaseEnded?.Invoke(StepPhase.NormAndClip);
        double lr = Spec.LrAt(step);
        optimizer.LearningRate = lr;
        optimizer.Step();
        PhaseEnded?.Invoke(StepPhase.Update);
        StepCount = step;
        return read ? new OlmoStepOutcome(step, HostReads.Scalar(loss!), lr, HostReads.Scalar(norm!))
                    : new OlmoStepOutcome(step, double.NaN, lr, double.NaN);
    }

    /// <summary>sqrt(Σ over parameters of ‖grad‖²) as a float64 tensor on the device (no host read); 0 when no gradients.
    /// Multi-tensor kernels (<see cref="GradientLists"/>), as PyTorch's clip_grad_norm_.</summary>
    public static Tensor GradNorm(IEnumerable<Parameter> parameters)
    {
        using var scope = NewDisposeScope();   // roots the p.grad wrappers (see AdamOptimizer.Step)
        return GradientLists.Norm(Gradients(parameters)).MoveToOuterDisposeScope();
    }

    /// <summary>Each parameter's gradient (those that have one); call inside a dispose scope, which roots the wrappers.</summary>
    static Tensor[] Gradients(IEnumerable<Parameter> parameters) => [.. parameters.Select(p => p.grad).OfType<Tensor>()];

    /// <summary>sqrt(Σ over parameters of ‖grad‖²), read to the host.</summary>
    public static double GlobalGradNorm(IEnumerable<Parameter> parameters)
    {
        using var norm = GradNorm(parameters);
        return HostReads.Scalar(norm);
    }

    /// <summary>Scales every gradient by min(1, clip / (norm + 1e-6)) (PyTorch's clip_grad_norm_), with the
    /// coefficient computed on the device from the norm tensor, so clipping reads nothing to the host.</summary>
    public static void ClipGradients(IEnumerable<Parameter> parameters, Tensor norm, double clip)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();   // roots the p.grad wrappers (see AdamOptimizer.Step)
        GradientLists.Clip(Gradients(parameters), norm, clip);
    }

    /// <summary>As above, with a norm already on the host.</summary>
    public static void ClipGradients(IEnumerable<Parameter> parameters, double norm, double clip)
    {
        using var scope = NewDisposeScope();
        ClipGradients(parameters, tensor(norm, dtype: float64), clip);
    }

    /// <summary>
    /// Writes the model, Adam's state, the data cursor and the step into <paramref name="dir"/>,
    /// atomically: everything goes to <c>dir.tmp</c>, which then replaces <c>dir</c>
    /// (see <see cref="CheckpointFolder.Replace"/>).
    /// </summary>
    /// <param name="divergenceReference">The run's divergence reference (<see cref="DivergenceGuard.Reference"/>), kept so that
    /// a resumed run compares its losses with the first step's as the run would have without the resume.</param>
    public void SaveCheckpoint(string dir, DataStreamCursor cursor, double? divergenceReference = null)
    {
        if (cursor.Step != StepCount)
            throw new ArgumentException($"cursor after step {cursor.Step} saved with a trainer at step {StepCount}");
        dir = Path.GetFullPath(dir.TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar));
        string tmp = dir + ".tmp";
        if (Directory.Exists(tmp)) Directory.Delete(tmp, recursive: true);
        Directory.CreateDirectory(tmp);
        model.save(Path.Combine(tmp, ModelFile));
        optimizer.Save(Path.Combine(tmp, OptimizerFile));
        File.WriteAllText(Path.Combine(tmp, CursorFile), cursor.ToJson());
        var meta = new OlmoCheckpointMeta(StepCount, model.Config, Spec, divergenceReference);
        File.WriteAllText(Path.Combine(tmp, TrainerFile), JsonSerializer.Serialize(meta, Json));
        CheckpointFolder.Replace(tmp, dir);
    }

    /// <summary>A trainer in the state <see cref="SaveCheckpoint"/> wrote, and the data cursor to
    /// continue the stream from (its Step equals the trainer's).</summary>
    public static OlmoTrainer Resume(string dir, out DataStreamCursor cursor, Device? device = null)
    {
        RequireComplete(dir);
        var meta = ReadMeta(dir);
        var cursorFile = Path.Combine(dir, CursorFile);
        try { cursor = DataStreamCursor.FromJson(File.ReadAllText(cursorFile)); }
        catch (Exception e) when (e is JsonException or InvalidDataException)
        {
            throw new Artifacts.ArtifactException(cursorFile, $"the checkpoint's data cursor is damaged ({e.Message}); restore it, or train the run again", e);
        }
        // Both are written into one folder put in place whole: steps that differ mean a file changed or came from another checkpoint.
        if (cursor.Step != meta.Step)
            throw new Artifacts.ArtifactException(cursorFile, $"the checkpoint's data cursor is at step {cursor.Step} but its trainer state " +
                $"({TrainerFile}) at step {meta.Step}, so the data would not continue where training stopped; restore the checkpoint, " +
                "or train the run again");
        var trainer = new OlmoTrainer(meta.Config, meta.Spec, device);
        try
        {
            LoadWeights(Path.Combine(dir, ModelFile), f => trainer.model.load(f));
            LoadWeights(Path.Combine(dir, OptimizerFile), trainer.optimizer.Load);
            if (trainer.optimizer.StepCount != meta.Step)
                throw new InvalidDataException($"checkpoint '{dir}': optimizer at step {trainer.optimizer.StepCount}, trainer at {meta.Step}");
            trainer.StepCount = meta.Step;
            return trainer;
        }
        catch
        {
            trainer.Dispose();
            throw;
        }
    }

    /// <summary>Only the model of a checkpoint (no optimiser state), in evaluation mode and the run's compute dtype,
    /// for probing a finished run; <paramref name="step"/> is the step it was saved at.</summary>
    public static OlmoModel LoadModel(string dir, Device device, out long step)
    {
        var meta = ReadMeta(dir);
        var model = new OlmoModel(meta.Config);
        try
        {
            LoadWeights(Path.Combine(dir, ModelFile), f => model.load(f));
            if (device.type != DeviceType.CPU) model.to(device);
            model.ComputeDtype = MixedPrecision.ComputeDtype(meta.Spec.Precision, device);
            model.eval();
            step = meta.Step;
            return model;
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>Throws, naming every file a resume reads that <paramref name="dir"/> lacks, where a checkpoint was copied or
    /// restored in part: each missing file otherwise failed alone, as .NET's "Could not find file" or TorchSharp's bare path.</summary>
    /// <exception cref="Artifacts.ArtifactException">A file is missing; the exception names the checkpoint folder.</exception>
    public static void RequireComplete(string dir)
    {
        // There but unreadable (a folder where the file belongs, say): the read says so.
        var missing = Missing(dir, ResumeFiles, Path.Exists);
        if (missing.Count > 0)
            throw new Artifacts.ArtifactException(dir, $"the checkpoint is incomplete: it lacks {string.Join(", ", missing)}; " +
                "restore the whole checkpoint folder, or train the run again");
    }

    /// <summary>What <see cref="LoadModel"/> reads that <paramref name="dir"/> lacks, each as "file (what it holds)": an
    /// incomplete checkpoint (copied in part) is then named by what it misses, not by the first read that fails.</summary>
    public static IReadOnlyList<string> MissingModelFiles(string dir) => Missing(dir, ResumeFiles[..2], File.Exists);

    /// <summary>A checkpoint's files and what each holds: the model's first (<see cref="LoadModel"/> reads those two), then
    /// what a resume reads besides.</summary>
    static readonly (string File, string Holds)[] ResumeFiles =
        [(TrainerFile, "the step and model shape"), (ModelFile, "the weights"), (OptimizerFile, "AdamW's state"), (CursorFile, "where the data stream stopped")];

    /// <summary>Each of <paramref name="files"/> that <paramref name="exists"/> does not find in <paramref name="dir"/>, as "file (what it holds)".</summary>
    static List<string> Missing(string dir, IEnumerable<(string File, string Holds)> files, Func<string, bool> exists) =>
        [.. files.Where(f => !exists(Path.Combine(dir, f.File))).Select(f => $"{f.File} ({f.Holds})")];

    /// <summary>The model shape and step of a checkpoint, without loading it.</summary>
    public static (OlmoConfig Config, long Step) Describe(string dir)
    {
        var meta = ReadMeta(dir);
        return (meta.Config, meta.Step);
    }

    /// <summary>The divergence reference a checkpoint saved; null where none was set or an older version wrote it.</summary>
    public static double? SavedDivergenceReference(string dir) => ReadMeta(dir).DivergenceReference;

    static OlmoCheckpointMeta ReadMeta(string dir)
    {
        var file = Path.Combine(dir, TrainerFile);
        try
        {
            return JsonSerializer.Deserialize<OlmoCheckpointMeta>(File.ReadAllText(file), Json)
                ?? throw new Artifacts.ArtifactException(file, "the checkpoint's trainer state is empty; restore it, or train the run again");
        }
        catch (JsonException e)
        {
            // System.Text.Json names the line and byte but not the file.
            throw new Artifacts.ArtifactException(file, $"the checkpoint's trainer state is damaged ({e.Message}); restore it, or train the run again", e);
        }
    }

    /// <summary>Reads a checkpoint's weights file, naming it when it is cut short (TorchSharp's reader says only
    /// "read past the end of the stream") or its content does not read back (overwritten, another model's: TorchSharp
    /// says only what it expected, e.g. "Mismatched state_dict sizes", naming no file).</summary>
    static void LoadWeights(string file, Action<string> load)
    {
        try
        {
            load(file);
        }
        catch (EndOfStreamException e)
        {
            throw new Artifacts.ArtifactException(file, "the checkpoint is damaged: the file ends before its weights do " +
                "(truncated or partly copied); restore it, or train the run again", e);
        }
        // What TorchSharp's reader and AdamOptimizer.Load throw on bytes that are not what was saved; the path is a file that exists.
        catch (Exception e) when (e is ArgumentException or FormatException or InvalidDataException or OverflowException)
        {
            throw new Artifacts.ArtifactException(file, $"the checkpoint is damaged: the file does not read back as what the run saved " +
                $"({e.Message.TrimEnd('.')}); restore it, or train the run again", e);
        }
    }

    public void Dispose()
    {
        optimizer.Dispose();
        model.Dispose();
    }
}

/// <summary>trainer.json of a checkpoint: the step reached and what rebuilds the trainer, and the run's divergence
/// reference (absent from checkpoints older versions wrote).</summary>
public sealed record OlmoCheckpointMeta(long Step, OlmoConfig Config, OlmoTrainSpec Spec, double? DivergenceReference = null);

/// <summary>The parts of a training step, in order (<see cref="OlmoTrainer.PhaseEnded"/>).</summary>
public enum StepPhase { ZeroGrad, Upload, Forward, Backward, NormAndClip, Update }
