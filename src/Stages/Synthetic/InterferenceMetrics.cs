using Retention.Training;
using static TorchSharp.torch;

namespace Retention.Synthetic;

/// <summary>Frequent-task pressure on the encoder at one step.</summary>
/// <param name="ResidualF">delta_F(U) = tr((I − P_U) M_F): the frequent variance span U misses.</param>
/// <param name="GradF">||G_F(U)||_F with G_F(U) = −2 (I − P_U) M_F Q, Q an orthonormal basis of span U.</param>
/// <param name="GradFTrain">||∂/∂U Σ_{k∈F} pi_k l_k(U, D_k)||_F at the current weights.</param>
/// <param name="Bound">2·sqrt(lambda_1(M_F)·delta_F(U)).</param>
public sealed record Interference(double ResidualF, double GradF, double GradFTrain, double Bound);

/// <summary>
/// Which gradient is logged, and when the bound applies.
/// <list type="bullet">
/// <item><c>GradF</c> is the gradient of the frequent loss with decoders at their optimum,
/// L_F(U) = tr(M_F) − tr(Q^T M_F Q), taken at the orthonormal basis Q of span U and projected
/// off span U (the part that moves the subspace; the in-span part only re-parametrises it).
/// For it the bound always holds: ||(I−P) M_F Q||_F ≤ ||(I−P) M_F^{1/2}||_F·||M_F^{1/2} Q||_2
/// ≤ sqrt(delta_F)·sqrt(lambda_1).</item>
/// <item><c>GradFTrain</c> is the Euclidean gradient of Σ_{k∈F} pi_k l_k with respect to U at the
/// trainer's actual U and decoders. It equals GradF (so the bound applies) when U^T U = I and
/// each D_k = T_k U is optimal; during training neither holds exactly, so it is logged for
/// comparison, not checked against the bound.</item>
/// </list>
/// All in float64 from the weights; no batch is drawn.
/// </summary>
public static class InterferenceMetrics
{
    public static Interference Compute(Tensor encoder, Tensor decoders, MixtureTensors mixture, TaskMixture m)
    {
        using var _ = NewDisposeScope();
        using var noGrad = no_grad();
        // On the weights' device (float64 is fine on the GPUs this targets; the dense residual
        // below is O(D²N) per cell, which would dominate a GPU run if moved to the CPU).
        var u = encoder.to_type(ScalarType.Float64);                             // (D, N)
        var dec = decoders.to_type(ScalarType.Float64);                          // (K, d, N)
        var lambda = mixture.Spectra.to_type(ScalarType.Float64).to(u.device);   // (K, d)
        var rot = mixture.Rotations.to_type(ScalarType.Float64).to(u.device);    // (K, d, d)
        long k = dec.shape[0], d = dec.shape[1], n = u.shape[1];
        var piF = tensor(Enumerable.Range(0, (int)k).Select(t => m.IsFrequent(t) ? m.Frequencies[t] : 0.0).ToArray(),
                         dtype: ScalarType.Float64, device: u.device);            // (K): pi_k on F, 0 elsewhere
        double lambda1 = Enumerable.Range(0, (int)k).Where(m.IsFrequent)
            .SelectMany(t => m.Spectra[t].Select(l => m.Frequencies[t] * l)).DefaultIfEmpty(0).Max();

        // M_F X for X (D, N), block by block: pi_k R_k Λ_k R_k^T X_k.
        Tensor ApplyMF(Tensor x)
        {
            var xk = x.view(k, d, x.shape[1]);                                   // (K, d, N)
            var inner = rot.transpose(1, 2).bmm(xk) * lambda.unsqueeze(2);       // Λ R^T X_k
            return (rot.bmm(inner) * piF.view(k, 1, 1)).reshape(k * d, x.shape[1]);
        }

        var q = linalg.qr(u, linalg.QRMode.Reduced).Q;                           // (D, N)
        var mq = ApplyMF(q);                                                     // (D, N)
        var residualDirection = mq - q.matmul(q.t().matmul(mq));                 // (I − P) M_F Q
        double gradF = 2 * residualDirection.norm().item<double>();

        // delta_F = ||(I − P) M_F^{1/2}||_F², formed directly: tr(M_F) − tr(Q^T M_F Q) loses all
        // its digits to cancellation once span U holds nearly all frequent variance.
        var rootBlocks = rot * (piF.unsqueeze(1) * lambda).sqrt().unsqueeze(1);  // (K, d, d): R_k (pi_k Λ_k)^{1/2}
        var root = block_diag([.. Enumerable.Range(0, (int)k).Select(t => rootBlocks[t])]);  // (D, D) = M_F^{1/2} B-basis
        double residualF = (root - q.matmul(q.t().matmul(root))).Squared().sum().item<double>();

        // ∂/∂U Σ pi_k ||T_k − D_k U^T||² = −2 [blocks(pi_k R_k Λ^{1/2} D_k) − U Σ pi_k D_k^T D_k].
        var tD = rot.bmm(lambda.sqrt().unsqueeze(2) * dec) * piF.view(k, 1, 1);  // (K, d, N)
        var dtd = (dec.transpose(1, 2).bmm(dec) * piF.view(k, 1, 1)).sum(dim: 0);  // (N, N); dim named: a literal 0 would bind to sum(ScalarType)
        double gradTrain = 2 * (tD.reshape(k * d, n) - u.matmul(dtd)).norm().item<double>();

        return new Interference(residualF, gradF, gradTrain, 2 * Math.Sqrt(lambda1 * residualF));
    }
}
