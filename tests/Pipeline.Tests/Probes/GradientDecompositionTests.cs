using Retention.Models;
using Retention.Probes;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Retention.Tests.Probes;

/// <summary>The gradient decomposition's identities of shared/docs/probes.md §3, on a small OLMo model.</summary>
public class GradientDecompositionTests(ITestOutputHelper output)
{
    const int Vocab = 40, Eos = 39;

    static OlmoModel Model() => new(new OlmoConfig(Layers: 2, Hidden: 32, MlpDim: 64, Heads: 4, VocabSize: Vocab) { MaxSeqLen = 16 }, new Generator(1));

    /// <summary>Task instances as the probe scores them: inputs EOS TOK1 TOK2, targets TOK1 TOK2 LABEL.</summary>
    static (Tensor Inputs, Tensor Targets) Instances(int n)
    {
        var rng = new Random(2);
        var x = new long[n * 3]; var y = new long[n * 3];
        for (int i = 0; i < n; i++)
        {
            int a = rng.Next(20), b = rng.Next(20);
            (x[3 * i], x[3 * i + 1], x[3 * i + 2]) = (Eos, a, b);
            (y[3 * i], y[3 * i + 1], y[3 * i + 2]) = (a, b, a > b ? 30 : 31);
        }
        return (tensor(x, [n, 3]), tensor(y, [n, 3]));
    }

    [Fact]
    public void The_task_and_non_task_parts_sum_to_the_batch_gradient()
    {
        using var model = Model();
        var (instances, targets) = Instances(64);
        var (gIn, gOut) = GradientDecomposition.TaskGradient(model, instances, targets);
        var neurons = GradientDecomposition.Localise(model, gOut, 8);
        var taskGradient = GradientDecomposition.Slice(gIn, gOut, neurons);
        var tokens = randint(0, Vocab, [4, 17], generator: new Generator(3));
        var mask = GradientDecomposition.TaskTargets(4, 16, [(0, 5), (2, 1), (3, 15)]);
        var split = GradientDecomposition.Split(model, tokens.narrow(1, 0, 16), tokens.narrow(1, 1, 16), tensor(mask).reshape(4, 16),
            neurons, taskGradient);
        Assert.True(split.SumError < 1e-5, $"‖g_t + g_nt − g‖/‖g‖ = {split.SumError}");
        Assert.True(split.NormTask > 0 && split.NormNonTask > 0);
        Assert.Equal(8 * (32 + 32 + 32), taskGradient.numel());   // two rows of H and a column of H per neuron
    }

    [Fact]
    public void A_batch_that_is_the_whole_task_set_has_its_task_part_along_g_r_and_no_other_part()
    {
        using var model = Model();
        var (instances, targets) = Instances(64);
        var (gIn, gOut) = GradientDecomposition.TaskGradient(model, instances, targets);
        var neurons = GradientDecomposition.Localise(model, gOut, 8);
        var split = GradientDecomposition.Split(model, instances, targets, ones(64, 3, dtype: ScalarType.Bool), neurons,
            GradientDecomposition.Slice(gIn, gOut, neurons));
        Assert.Equal(1.0, split.CosTask, 1e-6);
        Assert.Equal(1.0, split.CosG, 1e-6);
        Assert.Equal(0.0, split.NormNonTask);
    }

    [Fact]
    public void Cosines_norms_and_the_sum_error_are_those_of_the_vectors_by_hand()
    {
        // g = (1, 2.5) against its parts t = (1, 0) and nt = (0, 2): t + nt − g = (0, −0.5); g_r = (3, 0), given in float32.
        var split = GradientDecomposition.Combine(tensor(new[] { 1.0, 0 }), tensor(new[] { 0.0, 2 }), tensor(new[] { 1.0, 2.5 }), tensor(new[] { 3f, 0f }));
        Assert.Equal(1 / Math.Sqrt(7.25), split.CosG, 1e-15);
        Assert.Equal((1.0, 0.0), (split.CosTask, split.CosNonTask));
        Assert.Equal((Math.Sqrt(7.25), 1.0, 2.0, 3.0), (split.NormG, split.NormTask, split.NormNonTask, split.NormTaskGradient));
        Assert.Equal(0.5 / Math.Sqrt(7.25), split.SumError, 1e-15);
        Assert.Equal(0.0, GradientDecomposition.Combine(zeros(2, dtype: ScalarType.Float64), tensor(new[] { 0.0, 2 }), tensor(new[] { 0.0, 2 }), tensor(new[] { 3f, 0f })).CosTask);   // no part: 0, not NaN
    }

    [Fact]
    public void The_probe_leaves_the_parameters_gradients_untouched()
    {
        using var model = Model();
        var (instances, targets) = Instances(16);
        var (gIn, gOut) = GradientDecomposition.TaskGradient(model, instances, targets);
        GradientDecomposition.Split(model, instances, targets, ones(16, 3, dtype: ScalarType.Bool), [0, 1], GradientDecomposition.Slice(gIn, gOut, [0, 1]));
        Assert.All(model.parameters(), p => Assert.True(p.grad is null || p.grad.IsInvalid, "a .grad was written"));
    }

    [Fact]
    public void Task_targets_are_the_three_positions_that_predict_tok1_tok2_and_label()
    {
        // Row length 8 (seq_len 8): a segment with TOK1 at offset 3 marks inputs 2, 3, 4; one at offset 0 marks 0 and 1
        // (its EOS was the previous row's last token); one at offset 7 marks 6 and 7.
        var mask = GradientDecomposition.TaskTargets(2, 8, [(0, 3), (1, 0), (1, 7)]);
        Assert.Equal([false, false, true, true, true, false, false, false, true, true, false, false, false, false, true, true], mask);
    }

    [Fact]
    public void Localisation_picks_the_neurons_with_the_largest_attribution_in_index_order()
    {
        using var model = Model();
        var (instances, targets) = Instances(32);
        var (_, gOut) = GradientDecomposition.TaskGradient(model, instances, targets);

        // The definition, computed directly: keep the first block's SwiGLU activation a (the input of its output
        // projection, (n, 3, F)), backpropagate the task loss (mean cross-entropy over every target) to it, and
        // sum a·∂L/∂a over the instances' tokens.
        Tensor? activation = null;
        var hook = model.Blocks[0].Mlp.OutProj.register_forward_pre_hook((_, a) => activation = a);
        var logits = model.ComputeLogits(instances);
        hook.remove();
        var loss = nn.functional.cross_entropy(logits.flatten(0, 1), targets.flatten());
        var dLda = autograd.grad([loss], [activation!])[0];
        Assert.Equal([32L, 3, 32], activation!.shape);
        var attribution = activation.mul(dLda).sum([0, 1]).abs().to(ScalarType.Float64).data<double>().ToArray();
        var ranked = Enumerable.Range(0, 32).OrderByDescending(j => attribution[j]).ToArray();
        output.WriteLine(string.Join(" ", ranked.Select(j => $"{j}:{attribution[j]:E3}")));
        foreach (int count in new[] { 1, 3, 5, 8 })
        {
            // The last chosen and the first left out are far enough apart that float32 rounding cannot swap them.
            Assert.True(attribution[ranked[count - 1]] > 1.01 * attribution[ranked[count]], $"{attribution[ranked[count - 1]]} vs {attribution[ranked[count]]}");
            Assert.Equal(ranked.Take(count).Order().ToArray(), GradientDecomposition.Localise(model, gOut, count));
        }
    }
}
