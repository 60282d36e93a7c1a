using static TorchSharp.torch;

namespace Retention.Synthetic;

/// <summary>
/// The mixture's constants on the training device: sqrt(Λ) (K, d) and R (K, d, d).
/// Owned by the trainer; disposed with it.
/// </summary>
public sealed class MixtureTensors : IDisposable
{
    public Tensor SqrtSpectra { get; }   // (K, d)
    public Tensor Spectra { get; }       // (K, d)
    public Tensor Rotations { get; }     // (K, d, d): B_k = E_k R_k
    public bool IdentityBasis { get; }

    public MixtureTensors(TaskMixture m, Device device)
    {
        var flat = m.Spectra.SelectMany(s => s).Select(v => (float)v).ToArray();
        // Made on the device directly: tensor(...).to(device) would leave the host copy to the finaliser.
        Spectra = tensor(flat, [m.Tasks, m.DimsPerTask], device: device);
        SqrtSpectra = Spectra.sqrt();
        Rotations = tensor(m.Rotations.SelectMany(r => r).Select(v => (float)v).ToArray(),
                           [m.Tasks, m.DimsPerTask, m.DimsPerTask], device: device);
        IdentityBasis = m.Rotations.All(IsIdentity(m.DimsPerTask));
    }

    static Func<double[], bool> IsIdentity(int d) => r =>
        Enumerable.Range(0, d * d).All(i => r[i] == (i / d == i % d ? 1.0 : 0.0));

    /// <summary>
    /// Teacher targets y = Λ_k^{1/2} B_k^T x for inputs x (B, D) of tasks t (B): (B, d).
    /// B_k^T x = R_k^T x_k where x_k is block k of x.
    /// </summary>
    public Tensor Targets(Tensor x, Tensor tasks)
    {
        long b = x.shape[0];
        long k = Spectra.shape[0], d = Spectra.shape[1];
        var blocks = x.view(b, k, d);                                            // (B, K, d)
        var xk = blocks.gather(1, tasks.view(b, 1, 1).expand(b, 1, d)).squeeze(1); // (B, d)
        if (!IdentityBasis)
            xk = Rotations.index_select(0, tasks).transpose(1, 2).bmm(xk.unsqueeze(2)).squeeze(2);
        return xk * SqrtSpectra.index_select(0, tasks);                          // (B, d)
    }

    public void Dispose()
    {
        SqrtSpectra.Dispose(); Spectra.Dispose(); Rotations.Dispose();
    }
}
