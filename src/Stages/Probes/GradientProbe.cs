using Retention.Artifacts;
using Retention.Data;
using Retention.Spec;
using Retention.Training;
using static TorchSharp.torch;

namespace Retention.Probes;

/// <summary>gradients.arrow: one row per decomposed batch: cosines of g, g_t and g_nt with the task gradient
/// g_r and their norms over the localised neurons; injection_step marks a batch that carries an injection
/// of the task (its schedule's step kG, whatever the gap: every step of a continuous task).</summary>
public sealed record GradientRow(long Step, string Task, bool InjectionStep, int TaskTokens, int Neurons,
    double CosG, double CosTask, double CosNonTask, double NormG, double NormTask, double NormNonTask, double NormTaskGradient, double SumError);

/// <summary>
/// The gradient decomposition during training (paper Fig 9), before the step's update so g is the
/// gradient the optimizer is about to use. At periodic steps it recomputes g_r (over the task's
/// instances: all, or the first <c>instances</c>) and re-localises the neurons; at the injection steps
/// of a gapped task (gap ≥ 8, with <c>at_injections</c>) it decomposes that batch's gradient with the
/// latest g_r and neurons, and as a control also the batch half-way between injections (kG + G/2,
/// injection_step false), so injection and mid-gap batches come in equal numbers. Which a row is follows from its step:
/// mid-gap when step mod G = G/2 (integer division), as olmo-gradient-interference's analysis tells them apart. Step 0 has no batch, so the first periodic decomposition is at step 1.
/// The batch is split in <c>micro_batches</c> slices as training splits it, so its logits fit where training's do.
/// </summary>
public sealed class GradientProbe(GradientProbeSpec spec, long every, long lastStep, InjectedTaskSpec taskSpec, InjectedTask task,
    TaskTokens tokens, int eos, int microBatches) : IModelStage, IStatefulStage
{
    const string StateFile = "gradient_probe.bin";
    public static readonly RecordBatchBuilder<GradientRow> Table = new RecordBatchBuilder<GradientRow>()
        .Int64("step", r => r.Step).Utf8("task", r => r.Task).Bool("injection_step", r => r.InjectionStep)
        .Int32("task_tokens", r => r.TaskTokens).Int32("neurons", r => r.Neurons)
        .Float64("cos_g", r => r.CosG).Float64("cos_task", r => r.CosTask).Float64("cos_non_task", r => r.CosNonTask)
        .Float64("norm_g", r => r.NormG).Float64("norm_task", r => r.NormTask).Float64("norm_non_task", r => r.NormNonTask)
        .Float64("norm_task_gradient", r => r.NormTaskGradient).Float64("sum_error", r => r.SumError);

    Tensor? taskGradient;
    int[] neurons = [];

    public string Name => "gradients";

    public IEnumerable<object> Before(ModelView view)
    {
        if (view.Batch is not { } batch) return [];
        bool periodic = ProbeSchedule.Periodic(view.Step, every, lastStep) || view.Step == 1;
        bool gapped = taskSpec.Gap >= InjectionPhases.MinDenseGap;
        // Marked by the schedule for any gap: a periodic step kG of a gap-5 (or continuous) task carries its injection too.
        bool injection = view.Step % taskSpec.Gap == 0;
        // The control: the batch half-way between two injections, decomposed as often as the injection steps.
        bool midGap = gapped && view.Step % taskSpec.Gap == taskSpec.Gap / 2;
        if (!periodic && !(spec.AtInjections && gapped && (injection || midGap) && taskGradient is not null)) return [];
        if (periodic || taskGradient is null) Localise(view);

        var segments = batch.Injections.Where(i => i.Task == task.Name).Select(i => (i.Row, i.Offset)).ToList();
        var tb = batch.Batch;
        var mask = GradientDecomposition.TaskTargets(tb.BatchSize, tb.SeqLen, segments);
        int rows = tb.BatchSize / microBatches;
        Tensor? t = null, nt = null, g = null;
        for (int k = 0; k < microBatches; k++)
        {
            using var scope = NewDisposeScope();
            var (x, y) = BatchBuilder.ToTensors(tb.Tokens[(k * rows * tb.RowLength)..((k + 1) * rows * tb.RowLength)], rows, tb.RowLength, view.Device);
            var m = tensor(mask[(k * rows * tb.SeqLen)..((k + 1) * rows * tb.SeqLen)]).reshape(rows, tb.SeqLen).to(view.Device);
            var (pt, pnt, pg) = GradientDecomposition.Parts(view.Model, x, y, m, neurons, (long)tb.BatchSize * tb.SeqLen);
            t = Accumulate(t, pt); nt = Accumulate(nt, pnt); g = Accumulate(g, pg);
        }
        var split = GradientDecomposition.Combine(t!, nt!, g!, taskGradient!);
        t!.Dispose(); nt!.Dispose(); g!.Dispose();
        return [new GradientRow(view.Step, task.Name, injection, mask.Count(b => b), neurons.Length, split.CosG, split.CosTask,
            split.CosNonTask, split.NormG, split.NormTask, split.NormNonTask, split.NormTaskGradient, split.SumError)];
    }

    /// <summary>The neurons and g_r of the latest periodic probe, for the injection steps after a resume.</summary>
    public void SaveState(string checkpointDir)
    {
        if (taskGradient is null) return;
        using var writer = new BinaryWriter(File.Create(Path.Combine(checkpointDir, StateFile)));
        writer.Write(neurons.Length);
        foreach (var n in neurons) writer.Write(n);
        var values = taskGradient.cpu().data<double>().ToArray();
        writer.Write(values.Length);
        foreach (var v in values) writer.Write(v);
    }

    public void LoadState(string checkpointDir)
    {
        var path = Path.Combine(checkpointDir, StateFile);
        if (!File.Exists(path)) return;
        int[] savedNeurons;
        double[] values;
        try
        {
            using var reader = new BinaryReader(File.OpenRead(path));
            savedNeurons = [.. Enumerable.Range(0, Count(reader, sizeof(int))).Select(_ => reader.ReadInt32())];
            values = [.. Enumerable.Range(0, Count(reader, sizeof(double))).Select(_ => reader.ReadDouble())];
            if (reader.BaseStream.Position != reader.BaseStream.Length) throw new InvalidDataException("bytes after its state");
        }
        catch (Exception e) when (e is EndOfStreamException or InvalidDataException)
        {
            // BinaryReader says only "Unable to read beyond the end of the stream", naming no file.
            throw new ArtifactException(path, "the checkpoint is damaged: the gradient probe's saved neurons and task gradient do not read " +
                "back (truncated or partly copied); restore it, or train the run again", e);
        }
        neurons = savedNeurons;
        taskGradient?.Dispose();
        taskGradient = tensor(values, ScalarType.Float64);
    }

    /// <summary>A saved count, checked against the bytes left for its items (a damaged file's count can be anything).</summary>
    static int Count(BinaryReader reader, int itemBytes)
    {
        int count = reader.ReadInt32();
        if (count < 0 || (long)count * itemBytes > reader.BaseStream.Length - reader.BaseStream.Position)
            throw new EndOfStreamException($"a count of {count} items with fewer bytes left");
        return count;
    }

    static Tensor Accumulate(Tensor? sum, Tensor part)
    {
        if (sum is null) return part.MoveToOuterDisposeScope();
        sum.PlusInPlace(part);
        return sum;
    }

    /// <summary>g_r and the neurons from the task's instances at the current weights.</summary>
    void Localise(ModelView view)
    {
        var instances = spec.Instances > 0 ? task.Instances.Take(spec.Instances).ToArray() : [.. task.Instances];
        var x = new long[instances.Length * 3];
        var y = new long[instances.Length * 3];
        for (int i = 0; i < instances.Length; i++)
        {
            var (tok1, tok2, label) = tokens.Encode(instances[i]);
            (x[3 * i], x[3 * i + 1], x[3 * i + 2]) = (eos, tok1, tok2);
            (y[3 * i], y[3 * i + 1], y[3 * i + 2]) = (tok1, tok2, label);
        }
        using var scope = NewDisposeScope();
        int slice = OlmoEvaluator.RowsPerSlice(3, view.Model.Config.VocabSize, OlmoEvaluator.DefaultLogitBudget);
        var (gIn, gOut) = GradientDecomposition.TaskGradient(view.Model, tensor(x, [instances.Length, 3]), tensor(y, [instances.Length, 3]), slice);
        neurons = GradientDecomposition.Localise(view.Model, gOut, spec.Neurons);
        taskGradient?.Dispose();
        taskGradient = GradientDecomposition.Slice(gIn, gOut, neurons).to(ScalarType.Float64).MoveToOuterDisposeScope();
    }
}
