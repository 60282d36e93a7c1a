using Retention.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Retention.Models;

/// <summary>
/// Each Linear weight cast to the compute dtype once per optimiser step instead of once per
/// micro-batch (with 8 micro-batches, a 4B model's weights were read in float32 and written in bf16
/// eight times a step). While a step shares its casts, every layer computes with a bf16 copy that is
/// a leaf of its own; after each micro-batch's backward <see cref="FlushGradients"/> adds that copy's
/// gradient into the float32 weight's gradient and releases it, which is exactly what autograd does
/// through a per-micro-batch cast (the cast's backward widens the bf16 gradient, then accumulates it),
/// so the weights trained are the same bit for bit (tested).
/// </summary>
public sealed class WeightCasts
{
    Dictionary<Linear, Tensor>? shared;

    /// <summary>Whether a step's casts are being shared now.</summary>
    public bool Sharing => shared is not null;

    /// <summary>Steps that shared their casts so far (a diagnostic: tests check the shared path ran).</summary>
    public long StepsShared { get; private set; }

    /// <summary>The weight of <paramref name="layer"/> in <paramref name="dtype"/>: the step's shared cast when
    /// there is one, else a differentiable cast of the float32 weight.</summary>
    public Tensor Weight(Linear layer, ScalarType dtype) =>
        shared is not null && shared.TryGetValue(layer, out var cast) && cast.dtype == dtype ? cast : layer.weight!.to(dtype);

    /// <summary>Casts every layer's weight once and shares the casts until the returned handle is disposed.</summary>
    public IDisposable Share(IEnumerable<Linear> layers, ScalarType dtype)
    {
        if (shared is not null) throw new InvalidOperationException("weight casts are already being shared (steps do not nest)");
        var casts = new Dictionary<Linear, Tensor>();
        try
        {
            using var scope = NewDisposeScope();   // roots the temporaries through their native calls; the casts leave it
            using var noGrad = no_grad();
            foreach (var layer in layers)
            {
                var weight = layer.weight!;
                casts[layer] = weight.detach().to(dtype).requires_grad_(weight.requires_grad).DetachFromDisposeScope();
            }
        }
        catch
        {
            foreach (var cast in casts.Values) cast.Dispose();   // e.g. out of device memory halfway: free what was cast
            throw;
        }
        shared = casts;
        StepsShared++;
        return new Release(this);
    }

    /// <summary>Adds each shared cast's gradient (one micro-batch's) into its float32 weight's gradient, then releases it.</summary>
    public void FlushGradients()
    {
        if (shared is null) return;
        using var scope = NewDisposeScope();   // roots the grad wrappers through the native calls
        using var noGrad = no_grad();
        var into = new List<Tensor>();
        var from = new List<Tensor>();
        foreach (var (layer, cast) in shared)
        {
            if (cast.grad is not { } g) continue;
            var weight = layer.weight!;
            if (weight.grad is null) weight.grad = zeros_like(weight);   // autograd would create it here (the parameter keeps a reference)
            into.Add(weight.grad!);
            from.Add(g);
        }
        GradientLists.Accumulate(into, from);
        // Released, not zeroed: the next backward then stores its gradient instead of adding it to zeros in bf16.
        foreach (var cast in shared.Values) cast.grad = null;
    }

    sealed class Release(WeightCasts owner) : IDisposable
    {
        public void Dispose()
        {
            if (owner.shared is not { } casts) return;
            owner.shared = null;
            foreach (var cast in casts.Values) cast.Dispose();
        }
    }
}
