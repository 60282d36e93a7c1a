using Retention.Artifacts;
using Retention.Data;
using Retention.Models;
using Retention.Spec;
using TorchSharp;
using static TorchSharp.torch;

namespace Retention.Probes;

/// <summary>fourier.arrow: per probe step, source (embedding | residual; the residual at the site layer and position) and frequency k (0 = the constant):
/// its energy, whether it is a key frequency, the key frequencies' share of the energy now and in the
/// same model at initialisation, and the full, restricted and excluded losses of the task's logits.</summary>
public sealed record FourierRow(long Step, string Task, int Layer, string Position, string Source, int Frequency, double Energy, bool IsKey,
    double KeyShare, double KeyShareInit, double FullLoss, double RestrictedLoss, double ExcludedLoss);

/// <summary>
/// The Fourier readout of a modular-addition task during training (paper Fig 7): the residue tokens'
/// embeddings and the residual stream at the chosen site (averaged over the other operand) in the
/// Fourier basis of Z_p (<see cref="FourierReadout"/>). Key frequencies are those with the most
/// energy in the embeddings at that step; the losses use the logits at the label position over the
/// p residue tokens for every (a, b): restricted on the test split, excluded on the train split. The
/// initialisation reference comes from the step-0 probe, or (after a resume, or for a saved model) from
/// the model rebuilt from its seed — the same weights the run started from.
/// </summary>
public sealed class FourierProbe(FourierProbeSpec spec, long every, long lastStep, ModularAdditionTask task, TaskTokens tokens, int eos,
    Func<ModelLease>? initialModel = null) : IModelStage
{
    public static readonly RecordBatchBuilder<FourierRow> Table = new RecordBatchBuilder<FourierRow>()
        .Int64("step", r => r.Step).Utf8("task", r => r.Task).Int32("layer", r => r.Layer).Utf8("position", r => r.Position)
        .Utf8("source", r => r.Source).Int32("frequency", r => r.Frequency)
        .Float64("energy", r => r.Energy).Bool("is_key", r => r.IsKey).Float64("key_share", r => r.KeyShare)
        .Float64("key_share_init", r => r.KeyShareInit).Float64("full_loss", r => r.FullLoss)
        .Float64("restricted_loss", r => r.RestrictedLoss).Float64("excluded_loss", r => r.ExcludedLoss);

    (double Embedding, double Residual)? init;

    public string Name => "fourier";

    public IEnumerable<object> After(ModelView view)
    {
        if (!ProbeSchedule.Periodic(view.Step, every, lastStep)) return [];
        var (embedding, residual, losses) = Read(view.Model);
        if (init is null)
        {
            if (view.Step == 0 || initialModel is null) init = (embedding.KeyShare, residual.KeyShare);
            else
            {
                using var start = initialModel();
                var (e0, r0, _) = Read(OnDeviceOf(start.Model, view.Model));
                init = (e0.KeyShare, r0.KeyShare);
            }
        }
        return [.. Rows(view.Step, "embedding", embedding, init.Value.Embedding, losses), .. Rows(view.Step, "residual", residual, init.Value.Residual, losses)];
    }

    /// <summary>The initial model where the probed one is, in its compute dtype and elementwise kernels, so the
    /// reference is read as the step-0 probe read it (and a large model's reference is not computed on the CPU;
    /// it costs one more model's weights on the device for the moment it is read).</summary>
    static OlmoModel OnDeviceOf(OlmoModel initial, OlmoModel probed)
    {
        Device device = probed.TokenEmbeddings.device, now = initial.TokenEmbeddings.device;
        if (now.type != device.type || now.index != device.index) initial.to(device);
        initial.ComputeDtype = probed.ComputeDtype;
        initial.FusedElementwise = probed.FusedElementwise;
        initial.eval();
        return initial;
    }

    IEnumerable<object> Rows(long step, string source, FourierSpectrum s, double shareInit, FourierLosses losses) =>
        s.Energy.Select((energy, k) => (object)new FourierRow(step, task.Name, spec.Layer, spec.Position, source, k, energy, s.KeyFrequencies.Contains(k),
            s.KeyShare, shareInit, losses.Full, losses.Restricted, losses.Excluded));

    (FourierSpectrum Embedding, FourierSpectrum Residual, FourierLosses Losses) Read(OlmoModel model)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        int p = task.Modulus;
        var device = model.TokenEmbeddings.device;
        var items = tensor(tokens.ItemIds.Select(t => (long)t).ToArray(), device: device);
        var embedding = FourierReadout.Spectrum(model.TokenEmbeddings.index_select(0, items), spec.KeyFrequencies);

        // Every (a, b) as EOS a b, in chunks so a large model's logits stay bounded.
        var inputs = new long[p * p * 3];
        for (int a = 0; a < p; a++)
            for (int b = 0; b < p; b++)
                (inputs[(a * p + b) * 3], inputs[(a * p + b) * 3 + 1], inputs[(a * p + b) * 3 + 2]) = (eos, tokens.ItemIds[a], tokens.ItemIds[b]);
        var all = tensor(inputs, [p * p, 3]);
        var sites = new List<Tensor>();
        var logits = new List<Tensor>();
        int position = spec.Position == "tok1" ? 1 : 2;
        for (int start = 0; start < p * p; start += 1024)
        {
            // Each chunk's activations are freed before the next: kept to the end, they grew the first probe's time
            // several-fold on the CPU (fresh memory for every chunk).
            using var chunkScope = NewDisposeScope();
            var chunk = all.narrow(0, start, Math.Min(1024, p * p - start)).to(device);
            var residual = model.Residual(chunk, spec.Layer);
            sites.Add(residual.select(1, position).to(ScalarType.Float64).cpu().MoveToOuterDisposeScope());
            logits.Add(model.LogitsFrom(residual, spec.Layer).select(1, TaskEvalSet.LabelPosition).index_select(1, items).to(ScalarType.Float64).cpu()
                .MoveToOuterDisposeScope());
        }
        var grid = cat(sites, 0).reshape(p, p, -1);                                       // (a, b, H)
        var rows = position == 1 ? grid.mean([1]) : grid.mean([0]);                        // per residue of the site's operand
        var residualSpectrum = FourierReadout.Spectrum(rows, spec.KeyFrequencies);
        var losses = FourierReadout.Losses(cat(logits, 0).reshape(p, p, p), embedding.KeyFrequencies,
            [.. task.Test.ToArray().Select(i => (i.A, i.B))], [.. task.Train.ToArray().Select(i => (i.A, i.B))]);
        return (embedding, residualSpectrum, losses);
    }
}
