using Retention.Data;
using Retention.Models;
using Retention.Probes;
using Retention.Training;

namespace Retention.Pipeline;

/// <summary>The writer's cue that a checkpoint of this step waits (as checkpoint.pending-&lt;step&gt;) for the
/// tables to be sealed up to it, after which it is moved into place.</summary>
public sealed record CheckpointSaved(long Step);

/// <summary>LM validation loss and every task split's scores at step 0 (the model before any update: where every
/// curve starts), every <c>olmo.eval_every</c> steps and at the end.</summary>
public sealed class EvaluateStage(OlmoEvaluator evaluator, long every, long tokensPerStep, long parameters) : IModelStage
{
    public string Name => "evaluate";

    public IEnumerable<object> After(ModelView view)
    {
        if (view.Step % every != 0 && !view.Last) return [];
        var e = evaluator.Evaluate(view.Model, view.Device);
        long tokens = view.Step * tokensPerStep;
        double flops = 6.0 * parameters * tokens;
        return [new OlmoEvalRow(view.Step, tokens, flops, e.ValidationLoss),
            .. e.Tasks.Select(t => (object)new TaskMetricRow(view.Step, t.Task, t.Split, t.Loss, t.Accuracy, t.LabelAccuracy))];
    }
}

/// <summary>Model, optimizer and data cursor every <c>olmo.checkpoint_every</c> steps and at the end, written
/// beside checkpoint/ and promoted by the writer once the tables are sealed (<see cref="CheckpointFolder"/>).</summary>
/// <param name="divergence">The run's divergence check, whose reference the checkpoint keeps.</param>
public sealed class CheckpointStage(OlmoTrainer trainer, string checkpointDir, IReadOnlyList<IStatefulStage> stateful, DivergenceGuard? divergence = null) : IModelStage
{
    public string Name => "checkpoint";

    /// <summary>The step of the last checkpoint saved (0: none yet in this attempt).</summary>
    public long LastSaved { get; private set; }

    public IEnumerable<object> After(ModelView view)
    {
        if (view.Step == 0 || !trainer.Spec.CheckpointDue(view.Step) && !view.Last) return [];
        return [Save(view.Step, view.Batch!.After)];
    }

    /// <summary>Saves the model as it is after <paramref name="step"/> (also when a run stops between
    /// scheduled checkpoints); the writer promotes it once the tables are sealed.</summary>
    public CheckpointSaved Save(long step, DataStreamCursor after)
    {
        var pending = CheckpointFolder.Pending(checkpointDir, step);
        trainer.SaveCheckpoint(pending, after, divergence?.Reference);
        foreach (var stage in stateful) stage.SaveState(pending);
        LastSaved = step;
        return new CheckpointSaved(step);
    }
}

/// <summary>The trained weights as safetensors with transformers' OlmoForCausalLM names, at the last step.</summary>
public sealed class ExportStage(string exportDir) : IModelStage
{
    public string Name => "export";

    public IEnumerable<object> After(ModelView view)
    {
        if (view.Last) OlmoExport.Write(view.Model, exportDir);
        return [];
    }
}
