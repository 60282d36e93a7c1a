using Retention.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Retention.Synthetic;

/// <summary>Per-task population metrics of the student at one step (exact, not sampled).</summary>
public sealed record TaskMetrics(double[] Loss, double[] Signal, double[] SignalCorrected)
{
    /// <summary>Frequent-task pressure on the encoder (set by the trainer at logging steps).</summary>
    public Interference? Interference { get; init; }
}

/// <summary>
/// Exact per-task metrics from the weights, in float64. Because x ~ N(0, I), the population
/// loss of task k is ||T_k − D_k U^T||_F² with T_k = Λ_k^{1/2} B_k^T, so no evaluation batch
/// (and no noise) is needed. The signal is s_k = tr(P_U C_k)/tr(C_k); a uniformly random
/// N-dimensional subspace has E[s_k] = N/D, so the corrected signal is (s − N/D)/(1 − N/D).
/// </summary>
public static class ExactMetrics
{
    /// <summary>Metrics of one student: its encoder U (D, N) and decoders (K, d, N), e.g. one cell of a stack.</summary>
    public static TaskMetrics Compute(Tensor encoder, Tensor decoders, MixtureTensors mixture)
    {
        using var _ = NewDisposeScope();
        using var noGrad = no_grad();
        var u = encoder.to_type(ScalarType.Float64).contiguous();       // (D, N)
        var dec = decoders.to_type(ScalarType.Float64).contiguous();    // (K, d, N)
        var lambda = mixture.Spectra.to_type(ScalarType.Float64);       // (K, d)
        var rot = mixture.Rotations.to_type(ScalarType.Float64);        // (K, d, d)
        long k = dec.shape[0], d = dec.shape[1], n = dec.shape[2], dims = u.shape[0];
        var trace = lambda.sum(1);                                      // (K)

        // Signal: project C_k onto span U via an orthonormal basis Q of U's columns.
        var q = linalg.qr(u, linalg.QRMode.Reduced).Q;                  // (D, N)
        var rank = Math.Min(n, dims);
        var qk = rot.transpose(1, 2).bmm(q.view(k, d, q.shape[1]));     // (K, d, N) = R_k^T Q_k
        var signal = (lambda * qk.Squared().sum(2)).sum(1) / trace;      // (K)

        // Loss: ||T_k||² − 2 tr(T_k U D_k^T) + tr(D_k UᵀU D_k^T).
        var uk = rot.transpose(1, 2).bmm(u.view(k, d, n));              // (K, d, N) = R_k^T U_k
        var cross = (lambda.sqrt().unsqueeze(2) * uk * dec).sum([1, 2]);
        var gram = u.t().matmul(u);                                     // (N, N)
        var quad = (dec.matmul(gram) * dec).sum([1, 2]);
        // Explicit Scalars (see Training/AdamOptimizer.cs): these run at every dense logging step.
        using var two = 2.0.ToScalar();
        var loss = trace.Plus(quad).sub_(cross.mul(two));

        double baseline = (double)rank / dims;
        using var shift = baseline.ToScalar();
        using var scale = (baseline >= 1 ? 1.0 : 1 / (1 - baseline)).ToScalar();
        var corrected = baseline >= 1 ? signal.clone() : signal.sub(shift).mul_(scale);
        return new TaskMetrics(ToArray(loss), ToArray(signal), ToArray(corrected));
    }

    static double[] ToArray(Tensor t) => t.cpu().data<double>().ToArray();
}
