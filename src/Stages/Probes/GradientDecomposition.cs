using Retention.Models;
using Retention.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Retention.Probes;

/// <summary>One gradient decomposition: cosines of the batch gradient and its task and non-task parts
/// with the task gradient g_r, their norms, over the localised neurons' parameters.</summary>
public sealed record GradientSplit(double CosG, double CosTask, double CosNonTask, double NormG, double NormTask, double NormNonTask,
    double NormTaskGradient, double SumError);

/// <summary>
/// Gradient decomposition over first-layer MLP neurons (paper Fig 9). The parameters of SwiGLU neuron j
/// are rows j (value) and j + F (gate) of the fused input projection and column j of the output
/// projection (F = MlpDim/2). g_r is the gradient of the task loss — the mean cross-entropy of
/// predicting TOK1, TOK2 and LABEL of every task instance from EOS TOK1 TOK2 — over those parameters;
/// a batch's gradient g (its mean token loss) splits as g = g_t + g_nt, the terms whose target is a
/// task token (a segment's TOK1, TOK2, LABEL) and the rest, both over the same 1/N, so they sum to g.
/// Gradients come from autograd.grad, which leaves the parameters' .grad untouched: training does not see them.
/// </summary>
public static class GradientDecomposition
{
    /// <summary>The parameters the neurons live in: the first block's MLP input and output weights.</summary>
    public static Tensor[] Weights(OlmoModel model) => [model.Blocks[0].Mlp.InProj.weight!, model.Blocks[0].Mlp.OutProj.weight!];

    /// <summary>The chosen neurons' slices of the two weight gradients, as one vector.</summary>
    public static Tensor Slice(Tensor gradIn, Tensor gradOut, IReadOnlyList<int> neurons)
    {
        long f = gradOut.shape[1];
        var index = tensor(neurons.Select(j => (long)j).ToArray(), device: gradIn.device);
        return cat([
            gradIn.index_select(0, index).flatten(),
            gradIn.index_select(0, index.add(f)).flatten(),
            gradOut.index_select(1, index).flatten()], 0);
    }

    /// <summary>g_r over all <paramref name="instances"/> ((n, 3) EOS TOK1 TOK2; targets (n, 3) TOK1 TOK2 LABEL),
    /// as full weight gradients (input, output projection): the mean over every target, accumulated over
    /// slices of at most <paramref name="rowsPerSlice"/> instances so a large vocabulary's logits stay bounded.</summary>
    public static (Tensor GradIn, Tensor GradOut) TaskGradient(OlmoModel model, Tensor instances, Tensor targets, int rowsPerSlice = int.MaxValue)
    {
        var weights = Weights(model);
        Tensor gIn = zeros_like(weights[0]), gOut = zeros_like(weights[1]);
        long n = instances.shape[0];
        using var total = ((double)targets.numel()).ToScalar();
        for (long start = 0; start < n; start += rowsPerSlice)
        {
            using var scope = NewDisposeScope();
            long rows = Math.Min(rowsPerSlice, n - start);
            var device = weights[0].device;
            var logits = model.ComputeLogits(instances.narrow(0, start, rows).to(device));                 // compute dtype
            var sum = TokenLoss.Sum(logits.flatten(0, 1), targets.narrow(0, start, rows).flatten().to(device)).div(total);
            var grads = autograd.grad([sum], weights);
            gIn.PlusInPlace(grads[0].detach());
            gOut.PlusInPlace(grads[1].detach());
        }
        return (gIn, gOut);
    }

    /// <summary>
    /// Neuron localisation by attribution: |Σ over the task's tokens of a_j ∂L/∂a_j| for each neuron's
    /// activation a_j, which equals |⟨column j of W_out, column j of ∂L/∂W_out⟩| (the output projection
    /// is linear in a_j). The <paramref name="count"/> largest, in index order.
    /// </summary>
    public static int[] Localise(OlmoModel model, Tensor taskGradOut, int count)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var attribution = model.Blocks[0].Mlp.OutProj.weight!.mul(taskGradOut).sum([0]).abs().cpu().to(ScalarType.Float64).data<double>().ToArray();
        return [.. Enumerable.Range(0, attribution.Length).OrderByDescending(j => attribution[j]).ThenBy(j => j)
            .Take(Math.Clamp(count, 1, attribution.Length)).Order()];
    }

    /// <summary>
    /// Splits the gradient of a batch's mean token loss ((B, T) inputs and targets; <paramref name="taskMask"/>
    /// true where the target is a task token) over <paramref name="neurons"/>, against the task gradient
    /// slice <paramref name="taskGradient"/>. <see cref="GradientSplit.SumError"/> is ‖g_t + g_nt − g‖/‖g‖ with g
    /// computed on its own.
    /// </summary>
    public static GradientSplit Split(OlmoModel model, Tensor inputs, Tensor targets, Tensor taskMask, IReadOnlyList<int> neurons, Tensor taskGradient)
    {
        var (t, nt, g) = Parts(model, inputs, targets, taskMask, neurons, targets.numel());
        return Combine(t, nt, g, taskGradient);
    }

    /// <summary>The three gradient slices (task part, non-task part, whole) of one micro-batch, each with the
    /// loss divided by <paramref name="totalTokens"/> (the whole batch's), so micro-batches add up to the batch.</summary>
    public static (Tensor Task, Tensor NonTask, Tensor Whole) Parts(OlmoModel model, Tensor inputs, Tensor targets, Tensor taskMask,
        IReadOnlyList<int> neurons, long totalTokens)
    {
        var logits = model.ComputeLogits(inputs);                                                     // (B, T, V), compute dtype
        var perToken = TokenLoss.PerToken(logits.flatten(0, 1), targets.flatten());                   // float32
        var mask = taskMask.flatten().to(perToken.dtype);
        using var n = ((double)totalTokens).ToScalar();
        var taskLoss = perToken.mul(mask).sum().div(n);
        var otherLoss = perToken.mul(mask.neg().PlusInPlace(SafeArithmetic.One)).sum().div(n);       // (1 − m)
        var whole = perToken.sum().div(n);
        var weights = Weights(model);
        var gt = autograd.grad([taskLoss], weights, retain_graph: true, allow_unused: true);
        var gnt = autograd.grad([otherLoss], weights, retain_graph: true, allow_unused: true);
        var g = autograd.grad([whole], weights, allow_unused: true);
        Tensor Vec(IList<Tensor> grads) => Slice(Zeroed(grads[0], weights[0]), Zeroed(grads[1], weights[1]), neurons).to(ScalarType.Float64).detach();
        return (Vec(gt), Vec(gnt), Vec(g));
    }

    /// <summary>The cosines and norms of summed parts against the task gradient, computed on the host in one fixed order.
    /// LibTorch's float64 dot gave another last digit for the same vectors when one of them had been read back from a
    /// checkpoint (measured: identical bytes, dot …0828 against …0829), so a resumed run's rows differed from an
    /// uninterrupted run's until the next periodic probe; these vectors are small (neurons × 3 × hidden).</summary>
    public static GradientSplit Combine(Tensor task, Tensor nonTask, Tensor whole, Tensor taskGradient)
    {
        double[] t = Host(task), nt = Host(nonTask), g = Host(whole), r = Host(taskGradient);
        double normG = Norm(g), normT = Norm(t), normNt = Norm(nt), normR = Norm(r);
        double error = 0;
        for (int i = 0; i < g.Length; i++) { var e = t[i] + nt[i] - g[i]; error += e * e; }
        return new GradientSplit(Cos(g, normG, r, normR), Cos(t, normT, r, normR), Cos(nt, normNt, r, normR), normG, normT, normNt,
            normR, normG > 0 ? Math.Sqrt(error) / normG : 0);
    }

    static Tensor Zeroed(Tensor? grad, Tensor like) => grad is null || grad.IsInvalid ? zeros_like(like) : grad;

    static double[] Host(Tensor x) => x.detach().to(ScalarType.Float64).cpu().data<double>().ToArray();

    static double Dot(double[] a, double[] b)
    {
        double sum = 0;
        for (int i = 0; i < a.Length; i++) sum += a[i] * b[i];
        return sum;
    }

    static double Norm(double[] a) => Math.Sqrt(Dot(a, a));

    static double Cos(double[] a, double normA, double[] b, double normB) => normA == 0 || normB == 0 ? 0 : Dot(a, b) / (normA * normB);

    /// <summary>Where the targets of a batch are task tokens: each injected segment EOS TOK1 TOK2 LABEL that
    /// starts TOK1 at row offset o makes the targets at input positions o−1, o and o+1 (TOK1, TOK2, LABEL).</summary>
    public static bool[] TaskTargets(int rows, int seqLen, IEnumerable<(int Row, int Offset)> segments)
    {
        var mask = new bool[rows * seqLen];
        foreach (var (row, offset) in segments)
            for (int t = offset - 1; t <= offset + 1; t++)
                if (t >= 0 && t < seqLen) mask[row * seqLen + t] = true;
        return mask;
    }
}
