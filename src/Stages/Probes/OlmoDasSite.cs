using Retention.Data;
using Retention.Models;
using static TorchSharp.torch;

namespace Retention.Probes;

/// <summary>
/// A DAS site in an OLMo model: the residual stream after <paramref name="layer"/> blocks, at one token of
/// the task input EOS TOK1 TOK2 (position 1 or 2); the classes are the task's label tokens at the label
/// position. Preparing runs the blocks below the site once; an intervention re-runs only those above it.
/// </summary>
public sealed class OlmoDasSite(OlmoModel model, int layer, int position, long[] labelTokens) : IInterventionSite
{
    readonly Tensor labels = tensor(labelTokens);

    public Tensor Prepare(Tensor inputs)
    {
        using var noGrad = no_grad();
        return model.Residual(inputs.to(model.TokenEmbeddings.device), layer);            // (N, 3, H)
    }

    public Tensor Activations(Tensor prepared) => prepared.select(1, position);          // (N, H)

    public Tensor Logits(Tensor prepared, Tensor patched)
    {
        int t = (int)prepared.shape[1];
        var parts = new List<Tensor>();
        if (position > 0) parts.Add(prepared.narrow(1, 0, position));
        parts.Add(patched.unsqueeze(1));
        if (position < t - 1) parts.Add(prepared.narrow(1, position + 1, t - position - 1));
        var logits = model.LogitsFrom(cat(parts, 1), layer).select(1, TaskEvalSet.LabelPosition);   // (N, V)
        return logits.index_select(1, labels.to(logits.device));                          // (N, classes)
    }
}
