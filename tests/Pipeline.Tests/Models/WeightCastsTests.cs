using Retention.Models;
using Retention.Training;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Retention.Tests.Models;

/// <summary>Weights cast once per step: the same training as a cast per micro-batch, bit for bit.</summary>
public class WeightCastsTests
{
    [Fact]
    public void A_shared_cast_is_one_tensor_for_the_step_and_a_fresh_cast_outside_it()
    {
        using var model = new OlmoModel(OlmoTrainerTests.Tiny, new Generator(1));
        var layer = model.LinearLayers.First();
        var casts = model.WeightCasts;
        using (var a = casts.Weight(layer, ScalarType.BFloat16))
        using (var b = casts.Weight(layer, ScalarType.BFloat16))
            Assert.NotSame(a, b);
        using (casts.Share(model.LinearLayers, ScalarType.BFloat16))
        {
            Assert.True(casts.Sharing);
            Assert.Same(casts.Weight(layer, ScalarType.BFloat16), casts.Weight(layer, ScalarType.BFloat16));
            Assert.True(casts.Weight(layer, ScalarType.BFloat16).is_leaf);
            Assert.Throws<InvalidOperationException>(() => casts.Share(model.LinearLayers, ScalarType.BFloat16));
        }
        Assert.False(casts.Sharing);
        Assert.Equal(1 + OlmoTrainerTests.Tiny.Layers * 4, model.LinearLayers.Count());   // lm_head and 4 per block
    }

    [Fact]
    public void A_frozen_weight_gets_no_gradient_through_a_shared_cast_and_the_others_do()
    {
        using var model = new OlmoModel(OlmoTrainerTests.Tiny, new Generator(1)) { ComputeDtype = ScalarType.BFloat16 };
        var frozen = model.LinearLayers.First();
        frozen.weight!.requires_grad_(false);
        using (model.WeightCasts.Share(model.LinearLayers, ScalarType.BFloat16))
        using (NewDisposeScope())
        {
            model.call(tensor(new long[] { 1, 2, 3, 4 }, [1, 4])).sum().backward();
            model.WeightCasts.FlushGradients();
        }
        Assert.Null(frozen.weight.grad);
        Assert.All(model.LinearLayers.Skip(1), l => Assert.NotNull(l.weight!.grad));
        Assert.All(model.LinearLayers.Skip(1), l => Assert.Equal(ScalarType.Float32, l.weight!.grad!.dtype));
    }

    [Theory]
    [InlineData(4, 0.05)]   // clipping active
    [InlineData(2, 0.0)]
    public void Training_with_shared_casts_equals_a_cast_per_micro_batch_bit_for_bit(int accumulation, double clip)
    {
        var spec = new OlmoTrainSpec(Steps: 6, WarmupSteps: 2, Lr: 3e-3, Seed: 5, Precision: "bf16", GradAccumulation: accumulation,
            ClipGradNorm: clip, WeightDecay: 0.1);
        using var shared = new OlmoTrainer(OlmoTrainerTests.Tiny, spec);
        using var reference = new OlmoTrainer(OlmoTrainerTests.Tiny, spec) { ShareWeightCasts = false };
        for (long s = 1; s <= 6; s++)
        {
            var a = shared.Step(OlmoTrainerTests.Batch(s));
            var b = reference.Step(OlmoTrainerTests.Batch(s));
            Assert.Equal(b.Loss, a.Loss);
            Assert.Equal(b.GradNorm, a.GradNorm);
        }
        Assert.Equal(6, shared.Model.WeightCasts.StepsShared);
        Assert.Equal(0, reference.Model.WeightCasts.StepsShared);
        foreach (var (p, q) in shared.Model.parameters().Zip(reference.Model.parameters()))
        {
            Assert.Equal(ScalarType.Float32, p.dtype);
            Assert.True(p.eq(q).all().item<bool>(), "weights differ");
        }
    }

    [Fact]
    public void One_micro_batch_or_float32_casts_as_before()
    {
        using var single = new OlmoTrainer(OlmoTrainerTests.Tiny, new OlmoTrainSpec(Steps: 1, Precision: "bf16"));
        single.Step(OlmoTrainerTests.Batch(1));
        using var fp32 = new OlmoTrainer(OlmoTrainerTests.Tiny, new OlmoTrainSpec(Steps: 1, Precision: "fp32", GradAccumulation: 2));
        fp32.Step(OlmoTrainerTests.Batch(1));
        Assert.Equal(0, single.Model.WeightCasts.StepsShared + fp32.Model.WeightCasts.StepsShared);
    }
}
