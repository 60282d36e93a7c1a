using Retention.Training;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Retention.Probes;

/// <summary>
/// Where an interchange intervention happens in a model, as DAS needs it: what the model computes
/// before the site (<see cref="Prepare"/>, no gradient), the site's activations, and the class
/// logits after replacing them (differentiable in the replacement). A frozen model: nothing here trains it.
/// </summary>
public interface IInterventionSite
{
    /// <summary>The model's state before the site for these inputs (N, ...), computed without gradients.</summary>
    Tensor Prepare(Tensor inputs);

    /// <summary>The site's activations (N, n) of a prepared batch.</summary>
    Tensor Activations(Tensor prepared);

    /// <summary>The logits over the task's classes (N, C) when the site holds <paramref name="patched"/> (N, n).</summary>
    Tensor Logits(Tensor prepared, Tensor patched);
}

/// <summary>Pairs of inputs for interchange interventions: base and source, the base's own label and the
/// counterfactual label the high-level causal model gives when the source's variable replaces the base's.</summary>
public sealed record InterchangePairs(Tensor Bases, Tensor Sources, long[] BaseLabels, long[] CounterfactualLabels)
{
    public int Count => BaseLabels.Length;
    public int Changed => Enumerable.Range(0, Count).Count(i => BaseLabels[i] != CounterfactualLabels[i]);
}

/// <summary>DAS knobs (YAML probes.das): subspace rank, optimisation steps, Adam learning rate, pairs per step, seed.</summary>
public sealed record DasSettings(int Rank = 1, int Steps = 200, double Lr = 0.01, int BatchSize = 64, long Seed = 0);

/// <summary>Interchange-intervention accuracy over all pairs and over the pairs whose counterfactual label
/// differs from the base's (where an intervention that does nothing scores 0), the final training loss, and
/// the model's own accuracy on the base inputs without intervention: IIA only speaks of a causal variable of
/// a model that does the task (see <see cref="DasBaseCheck"/>).</summary>
public sealed record DasScore(double Iia, double IiaChanged, int Pairs, int ChangedPairs, double TrainLoss, double BaseAccuracy);

/// <summary>
/// Distributed Alignment Search (Geiger et al. 2023), as pyvene's low-rank rotated-space
/// intervention does it: a subspace W (n×k, orthonormal columns, the Q of a QR factorisation of a
/// free n×k parameter) and the intervention h' = b + (s − b) W Wᵀ on row vectors, i.e. the base's
/// coordinates in the subspace replaced by the source's. Only W trains, by Adam on the
/// cross-entropy against the counterfactual labels; its draws come from its own generator, never
/// from training's.
/// </summary>
public static class Das
{
    /// <summary>h' = b + (s − b) W Wᵀ: the base activations with their W-subspace coordinates taken from the source.</summary>
    public static Tensor Intervene(Tensor bases, Tensor sources, Tensor subspace) =>
        bases.Plus(sources.sub(bases).matmul(subspace).matmul(subspace.T));

    /// <summary>An orthonormal n×k subspace drawn from <paramref name="seed"/> (the random-rotation control).</summary>
    public static Tensor RandomSubspace(int n, int k, long seed)
    {
        using var scope = NewDisposeScope();
        var (q, _) = linalg.qr(randn(n, k, dtype: ScalarType.Float32, generator: new Generator((ulong)seed)));
        return q.MoveToOuterDisposeScope();
    }

    /// <summary>Trains a subspace on <paramref name="train"/> pairs; returns it (n×k, on the site's device) and the last loss.</summary>
    public static (Tensor Subspace, double Loss) Train(IInterventionSite site, InterchangePairs train, DasSettings settings, Device device)
    {
        using var scope = NewDisposeScope();
        Tensor bases, sources;
        using (no_grad())
        {
            bases = site.Prepare(train.Bases);
            sources = site.Activations(site.Prepare(train.Sources));
        }
        var baseActs = site.Activations(bases);
        int n = (int)baseActs.shape[1], k = Math.Clamp(settings.Rank, 1, n);
        var generator = new Generator((ulong)settings.Seed);
        var free = new Parameter(randn(n, k, dtype: ScalarType.Float32, generator: generator).to(device));
        using var optimizer = new AdamOptimizer([free], settings.Lr);
        var targets = tensor(train.CounterfactualLabels, dtype: ScalarType.Int64).to(device);
        // Every step's batch drawn up front (the same draws in the same order) and uploaded once, and the loss read once at the
        // end: on a GPU an upload from host memory and a read each step synchronise the device. Measured on an H200 it gave no
        // clear gain (a 0.6 M-parameter model's fit is bound by launching its small kernels), but a step needs neither.
        int batchSize = Math.Min(settings.BatchSize, train.Count);
        var batches = settings.Steps == 0 ? null
            : stack(Enumerable.Range(0, settings.Steps).Select(_ => randperm(train.Count, generator: generator).narrow(0, 0, batchSize)).ToArray()).to(device);
        Tensor? lastLoss = null;
        for (int step = 0; step < settings.Steps; step++)
        {
            using var stepScope = NewDisposeScope();
            var batch = batches![step];
            var (w, _) = linalg.qr(free);
            var patched = Intervene(baseActs.index_select(0, batch), sources.index_select(0, batch), w);
            var logits = site.Logits(bases.index_select(0, batch), patched);
            var ce = nn.functional.cross_entropy(logits.to(ScalarType.Float32), targets.index_select(0, batch));
            optimizer.ZeroGrad();
            ce.backward();
            optimizer.Step();
            if (step == settings.Steps - 1) lastLoss = ce.detach().MoveToOuterDisposeScope();
        }
        double loss = lastLoss is null ? double.NaN : HostReads.Scalar(lastLoss);
        using (no_grad())
        {
            var (q, _) = linalg.qr(free);
            return (q.detach().MoveToOuterDisposeScope(), loss);
        }
    }

    /// <summary>IIA of a subspace on <paramref name="pairs"/>: the intervened argmax class against the counterfactual label;
    /// beside it the un-intervened argmax against the base label, from the same prepared bases (the site's own activations
    /// put back, so only the part of the model above the site runs again).</summary>
    public static DasScore Evaluate(IInterventionSite site, InterchangePairs pairs, Tensor subspace, double trainLoss = double.NaN)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var bases = site.Prepare(pairs.Bases);
        var baseActs = site.Activations(bases);
        var patched = Intervene(baseActs, site.Activations(site.Prepare(pairs.Sources)), subspace.to(bases.device));
        var predicted = site.Logits(bases, patched).argmax(1).cpu().data<long>().ToArray();
        var answered = site.Logits(bases, baseActs).argmax(1).cpu().data<long>().ToArray();
        int hits = 0, changed = 0, changedHits = 0, baseHits = 0;
        for (int i = 0; i < pairs.Count; i++)
        {
            baseHits += answered[i] == pairs.BaseLabels[i] ? 1 : 0;
            bool hit = predicted[i] == pairs.CounterfactualLabels[i];
            hits += hit ? 1 : 0;
            if (pairs.BaseLabels[i] == pairs.CounterfactualLabels[i]) continue;
            changed++;
            changedHits += hit ? 1 : 0;
        }
        return new DasScore((double)hits / Math.Max(pairs.Count, 1), changed == 0 ? double.NaN : (double)changedHits / changed,
            pairs.Count, changed, trainLoss, (double)baseHits / Math.Max(pairs.Count, 1));
    }
}
