using Retention.Data;
using Retention.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Retention.Probes;

/// <summary>What a model stage sees, on the trainer thread, around step <paramref name="Step"/>: the model,
/// its device, the step's batch (null at step 0, before training) and whether it is the run's last step.</summary>
public sealed record ModelView(OlmoModel Model, Device Device, long Step, TrainingBatch? Batch, bool Last);

/// <summary>
/// A stage of an OLMo run that looks at the model between training steps: evaluation, the probes,
/// checkpointing and export are all of this kind (OlmoRunGraph assembles them). It runs on the trainer
/// thread, which owns the model, and returns rows for the run's tables (routed by type). A stage must
/// not change training: no writes to weights, gradients or optimizer state, no draws from training's
/// generators (a test trains with and without every probe and compares the weights bit for bit).
/// </summary>
public interface IModelStage
{
    string Name { get; }

    /// <summary>Before step s's update, with the batch it is about to take (the gradient probe).</summary>
    IEnumerable<object> Before(ModelView view) => [];

    /// <summary>After step s's update; step 0 is the model before training (a reference for the probes).</summary>
    IEnumerable<object> After(ModelView view) => [];
}

/// <summary>A model stage that carries state from one step to a later one (the gradient probe's g_r and
/// neurons): it is saved with every checkpoint and loaded on resume, so a resumed run's tables equal an
/// uninterrupted run's.</summary>
public interface IStatefulStage
{
    void SaveState(string checkpointDir);
    void LoadState(string checkpointDir);
}

/// <summary>Runs a probe with the model's parameters frozen (requires_grad off, restored after), so its
/// backward passes build no graph through the weights and leave their .grad alone.</summary>
public static class Frozen
{
    public static T Run<T>(OlmoModel model, Func<T> probe)
    {
        var parameters = model.parameters().ToList();
        var flags = parameters.Select(p => p.requires_grad).ToList();
        foreach (var p in parameters) p.requires_grad = false;
        try { return probe(); }
        finally { for (int i = 0; i < parameters.Count; i++) parameters[i].requires_grad = flags[i]; }
    }
}

/// <summary>When the probes run.</summary>
public static class ProbeSchedule
{
    /// <summary>DAS, Fourier and the gradient reference run at step 0, every <paramref name="every"/> steps and at the last step.</summary>
    public static bool Periodic(long step, long every, long lastStep) => step == 0 || step == lastStep || every > 0 && step % every == 0;
}
