using Retention.Data;
using Retention.Models;
using Retention.Training;
using static TorchSharp.torch;

namespace Retention.Tests.Models;

/// <summary>bf16 by hand (the CUDA default) checked on the CPU against the float32 model it shadows.</summary>
public class MixedPrecisionTests
{
    static readonly OlmoConfig Tiny = new(Layers: 2, Hidden: 64, MlpDim: 256, Heads: 4, VocabSize: 300, MaxSeqLen: 32);

    static Tensor Tokens(int rows, int length, int seed)
    {
        var rng = new Random(seed);
        return tensor(Enumerable.Range(0, rows * length).Select(_ => (long)rng.Next(Tiny.VocabSize)).ToArray(), [rows, length]);
    }

    static TrainingBatch Batch(long step)
    {
        // A learnable stream: every row counts up modulo 50 from a random start.
        var rng = new Random((int)step);
        const int rows = 8, rowLength = 17;
        var tokens = new int[rows * rowLength];
        for (int r = 0; r < rows; r++)
        {
            int start = rng.Next(50);
            for (int i = 0; i < rowLength; i++) tokens[r * rowLength + i] = (start + i) % 50;
        }
        var packer = new PackerCursor(step, 0, step * rows);
        return new TrainingBatch(new TokenBatch(step, rows, rowLength, tokens, packer, null), [],
            new DataStreamCursor(step, null, packer, null));
    }

    [Fact]
    public void Bf16LogitsTrackFloat32WithinBf16Rounding()
    {
        using var model = new OlmoModel(Tiny, new Generator(3));
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var tokens = Tokens(2, 16, 1);
        var exact = model.call(tokens);
        model.ComputeDtype = ScalarType.BFloat16;
        var mixed = model.call(tokens);
        Assert.Equal(ScalarType.Float32, mixed.dtype);
        Assert.All(model.parameters(), p => Assert.Equal(ScalarType.Float32, p.dtype));
        // bf16 keeps 8 significant bits (relative rounding 2^-9 ≈ 0.002 per cast); through two blocks
        // the logits' error stays a few percent of their spread, and is not zero (bf16 really ran).
        double spread = exact.std().item<float>();
        double error = (mixed - exact).abs().max().item<float>();
        Assert.InRange(error / spread, 1e-4, 0.05);
    }

    [Fact]
    public void Bf16TrainingKeepsFloat32MasterWeightsAndLearns()
    {
        var spec = new OlmoTrainSpec(Steps: 40, WarmupSteps: 2, Lr: 3e-3, Seed: 5, Precision: "bf16");
        using var mixed = new OlmoTrainer(Tiny, spec);
        using var exact = new OlmoTrainer(Tiny, spec with { Precision = "fp32" });
        Assert.Equal(ScalarType.BFloat16, mixed.Model.ComputeDtype);
        Assert.Equal(ScalarType.Float32, exact.Model.ComputeDtype);

        var first = mixed.Step(Batch(1));
        var firstExact = exact.Step(Batch(1));
        // Same initial weights, same batch: the first losses agree to bf16 precision.
        Assert.Equal(firstExact.Loss, first.Loss, firstExact.Loss * 0.01);
        Assert.All(mixed.Model.parameters(), p => Assert.Equal(ScalarType.Float32, p.grad!.dtype));

        double last = 0;
        for (long s = 2; s <= 40; s++) last = mixed.Step(Batch(s)).Loss;
        // ln(300) ≈ 5.7 at the start; the counting stream is learnable, and bf16 must still learn it.
        Assert.True(last < first.Loss - 1.5, $"bf16 loss went from {first.Loss:F3} to {last:F3}");
    }

    [Theory]
    [InlineData("auto", "cpu", ScalarType.Float32)]
    [InlineData("fp32", "cpu", ScalarType.Float32)]
    [InlineData("bf16", "cpu", ScalarType.BFloat16)]
    public void PrecisionNamesResolvePerDevice(string precision, string device, ScalarType expected) =>
        Assert.Equal(expected, MixedPrecision.ComputeDtype(precision, new Device(device)));

    [Fact]
    public void AutoIsBf16OnCuda() =>
        // Resolving needs no CUDA runtime: only the device type is read.
        Assert.Equal(ScalarType.BFloat16, MixedPrecision.ComputeDtype("auto", new Device(TorchSharp.DeviceType.CUDA, 0)));

    [Fact]
    public void UnknownPrecisionIsRejected() =>
        Assert.Throws<ArgumentException>(() => new OlmoTrainSpec(Steps: 1, Precision: "fp16").Validated());
}

/// <summary>The evaluator slices rows to bound the logits it materialises; slicing must not change the scores.</summary>
public class OlmoEvaluatorSlicingTests
{
    [Fact]
    public void ValidationLossIsTheSameWhateverTheSliceSize()
    {
        var config = new OlmoConfig(Layers: 1, Hidden: 32, MlpDim: 64, Heads: 2, VocabSize: 100, MaxSeqLen: 16);
        using var model = new OlmoModel(config, new Generator(1));
        var rng = new Random(2);
        var validation = new ValidationSet(7, 17, [.. Enumerable.Range(0, 7 * 17).Select(_ => rng.Next(100))]);
        var oneRow = new OlmoEvaluator(validation, [], logitBudget: 1);             // 1 row per slice
        var allRows = new OlmoEvaluator(validation, [], logitBudget: 1L << 30);
        Assert.Equal(1, oneRow.RowsPerSlice(16, 100));
        Assert.Equal(3, new OlmoEvaluator(validation, [], logitBudget: 3 * 16 * 100 + 5).RowsPerSlice(16, 100));
        double a = oneRow.Evaluate(model, CPU).ValidationLoss, b = allRows.Evaluate(model, CPU).ValidationLoss;
        Assert.Equal(b, a, 1e-5);
        Assert.InRange(a, Math.Log(100) - 1, Math.Log(100) + 1);   // an untrained model is near uniform
    }
}
