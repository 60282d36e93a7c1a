using Retention.Data;
using Retention.Models;
using Retention.Tests.Torch;
using Retention.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Retention.Tests.Models;

public class OlmoTrainerTests
{
    internal static readonly OlmoConfig Tiny = new(Layers: 2, Hidden: 32, MlpDim: 128, Heads: 4, VocabSize: 300, MaxSeqLen: 32);
    const int Rows = 4, RowLength = 17;

    /// <summary>A synthetic batch of seeded random ids for step <paramref name="step"/> (1-based).</summary>
    internal static TrainingBatch Batch(long step, int seed = 0)
    {
        var rng = new Random(seed * 1_000 + (int)step);
        var tokens = new int[Rows * RowLength];
        for (int i = 0; i < tokens.Length; i++) tokens[i] = rng.Next(Tiny.VocabSize);
        var packer = new PackerCursor(step, 0, step * Rows);
        var batch = new TokenBatch(step, Rows, RowLength, tokens, packer, null);
        return new TrainingBatch(batch, [], new DataStreamCursor(step, null, packer, null));
    }

    static TrainingBatch Renumbered(TrainingBatch b, long step) =>
        new(b.Batch with { Step = step }, b.Injections, b.After with { Step = step });

    static bool Same(Tensor a, Tensor b) => a.shape.SequenceEqual(b.shape) && a.eq(b).all().item<bool>();

    static Tensor[] Weights(OlmoTrainer t) => [.. t.Model.parameters().Select(p => p.detach().clone())];

    static string TempDir()
    {
        var dir = Path.Combine(Path.GetTempPath(), "olmotrain-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return dir;
    }

    [Fact]
    public void A_step_reports_its_phases_in_order_and_trains_the_same_weights_while_watched()
    {
        var spec = new OlmoTrainSpec(Steps: 2, Lr: 3e-3, Seed: 3, GradAccumulation: 2);
        using var watched = new OlmoTrainer(Tiny, spec);
        using var plain = new OlmoTrainer(Tiny, spec);
        var seen = new List<StepPhase>();
        watched.PhaseEnded = seen.Add;
        for (long s = 1; s <= 2; s++) { watched.Step(Batch(s)); plain.Step(Batch(s)); }
        StepPhase[] micro = [StepPhase.Upload, StepPhase.Forward, StepPhase.Backward];
        StepPhase[] one = [StepPhase.ZeroGrad, .. micro, .. micro, StepPhase.NormAndClip, StepPhase.Update];
        Assert.Equal([.. one, .. one], seen);
        Assert.All(Weights(watched).Zip(Weights(plain)), w => Assert.True(Same(w.First, w.Second)));
    }

    [Fact]
    public void ResumeEqualsUninterruptedBitForBit()
    {
        var spec = new OlmoTrainSpec(Steps: 12, WarmupSteps: 3, Lr: 3e-3, Seed: 7);
        var straightLosses = new List<double>();
        Tensor[] straight;
        using (var trainer = new OlmoTrainer(Tiny, spec))
        {
            for (long s = 1; s <= 12; s++) straightLosses.Add(trainer.Step(Batch(s)).Loss);
            straight = Weights(trainer);
        }

        var root = TempDir();
        try
        {
            var dir = Path.Combine(root, "ckpt");
            var resumedLosses = new List<double>();
            using (var first = new OlmoTrainer(Tiny, spec))
            {
                TrainingBatch last = null!;
                for (long s = 1; s <= 5; s++) { last = Batch(s); resumedLosses.Add(first.Step(last).Loss); }
                first.SaveCheckpoint(dir, last.After);
            }
            GC.Collect();
            GC.WaitForPendingFinalizers();
            Assert.False(Directory.Exists(dir + ".tmp"));

            Tensor[] resumed;
            using (var second = OlmoTrainer.Resume(dir, out var cursor))
            {
                Assert.Equal(5, cursor.Step);
                Assert.Equal(5, second.StepCount);
                Assert.Equal(spec, second.Spec);
                for (long s = cursor.Step + 1; s <= 12; s++) resumedLosses.Add(second.Step(Batch(s)).Loss);
                resumed = Weights(second);
            }

            Assert.Equal(straightLosses, resumedLosses);
            Assert.Equal(straight.Length, resumed.Length);
            for (int i = 0; i < straight.Length; i++)
                Assert.True(Same(straight[i], resumed[i]), $"parameter {i} differs after resuming");
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public void CheckpointReplacesAnOlderOne()
    {
        var root = TempDir();
        try
        {
            var dir = Path.Combine(root, "ckpt");
            using var trainer = new OlmoTrainer(Tiny, new OlmoTrainSpec(Steps: 4, Lr: 1e-3));
            var b1 = Batch(1);
            trainer.Step(b1);
            trainer.SaveCheckpoint(dir, b1.After);
            var b2 = Batch(2);
            trainer.Step(b2);
            trainer.SaveCheckpoint(dir, b2.After);
            Assert.False(Directory.Exists(dir + ".old"));
            using var resumed = OlmoTrainer.Resume(dir, out var cursor);
            Assert.Equal(2, cursor.Step);
            Assert.Equal(2, resumed.Optimizer.StepCount);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    /// <summary>
    /// A training step (clipping on) and an evaluation create every tensor inside a dispose scope:
    /// a temporary wrapper outside one can be finalized mid-call by the collector, which crashed
    /// runs trained side by side (see AdamOptimizerTests).
    /// </summary>
    [Fact]
    public void StepsAndEvaluationsCreateNoTensorOutsideADisposeScope()
    {
        using var trainer = new OlmoTrainer(Tiny, new OlmoTrainSpec(Steps: 2, Lr: 1e-3, ClipGradNorm: 0.05));
        var rng = new Random(5);
        var validation = new ValidationSet(3, RowLength, [.. Enumerable.Range(0, 3 * RowLength).Select(_ => rng.Next(Tiny.VocabSize))]);
        var evaluator = new OlmoEvaluator(validation, []);
        Assert.Equal(0, TensorScopes.CreatedOutside(() =>
        {
            for (long s = 1; s <= 2; s++) Assert.True(trainer.Step(Batch(s)).GradNorm > 0.05, "the test needs clipping to run");
            Assert.True(double.IsFinite(evaluator.Evaluate(trainer.Model, CPU).ValidationLoss));
        }));
    }

    [Fact]
    public void LossDecreasesOnARepeatedBatch()
    {
        using var trainer = new OlmoTrainer(Tiny, new OlmoTrainSpec(Steps: 30, WarmupSteps: 2, Lr: 1e-2, Seed: 1));
        var batch = Batch(1, seed: 3);
        var losses = new List<double>();
        for (long s = 1; s <= 30; s++) losses.Add(trainer.Step(Renumbered(batch, s)).Loss);
        Assert.True(losses[^1] < losses[0] - 1.0, $"loss {losses[0]:F3} → {losses[^1]:F3}");
        Assert.All(losses, l => Assert.True(double.IsFinite(l)));
    }

    [Fact]
    public void GradientsAreClippedToTheGlobalNorm()
    {
        const double clip = 0.05;
        using var trainer = new OlmoTrainer(Tiny, new OlmoTrainSpec(Steps: 3, Lr: 1e-3, ClipGradNorm: clip));
        for (long s = 1; s <= 3; s++)
        {
            var outcome = trainer.Step(Batch(s));
            Assert.True(outcome.GradNorm > clip, $"pre-clip norm {outcome.GradNorm} should exceed the clip for this test");
            // Gradients stay in place until the next step's ZeroGrad.
            double after = OlmoTrainer.GlobalGradNorm(trainer.Model.parameters());
            Assert.True(after <= clip + 1e-5, $"clipped norm {after} > {clip}");
        }
    }

    [Fact]
    public void ClipOffLeavesGradientsAlone()
    {
        using var trainer = new OlmoTrainer(Tiny, new OlmoTrainSpec(Steps: 1, Lr: 1e-3, ClipGradNorm: 0));
        var outcome = trainer.Step(Batch(1));
        double after = OlmoTrainer.GlobalGradNorm(trainer.Model.parameters());
        Assert.Equal(outcome.GradNorm, after, 1e-9);
    }

    [Fact]
    public void AccumulationOfEqualMicroBatchesEqualsOneBatch()
    {
        var one = new OlmoTrainSpec(Steps: 3, Lr: 1e-3, Seed: 5);
        using var a = new OlmoTrainer(Tiny, one);
        using var b = new OlmoTrainer(Tiny, one with { GradAccumulation = 2 });
        for (long s = 1; s <= 3; s++)
        {
            var oa = a.Step(Batch(s));
            var ob = b.Step(Batch(s));
            Assert.Equal(oa.Loss, ob.Loss, 1e-5);
            Assert.Equal(oa.GradNorm, ob.GradNorm, 1e-5);
            var ga = a.Model.parameters().Select(p => p.grad!).ToArray();
            var gb = b.Model.parameters().Select(p => p.grad!).ToArray();
            for (int i = 0; i < ga.Length; i++)
                Assert.True(ga[i].allclose(gb[i], rtol: 1e-4, atol: 1e-6), $"step {s}: gradient {i} differs");
        }
        var wa = Weights(a);
        var wb = Weights(b);
        for (int i = 0; i < wa.Length; i++)
        {
            double diff = (wa[i] - wb[i]).abs().max().item<float>();
            Assert.True(diff <= 1e-5, $"parameter {i} differs by {diff}");
        }
    }

    [Fact]
    public void EqualSeedsBuildEqualModels()
    {
        using var a = new OlmoTrainer(Tiny, new OlmoTrainSpec(Steps: 1, Seed: 3));
        using var b = new OlmoTrainer(Tiny, new OlmoTrainSpec(Steps: 1, Seed: 3));
        using var c = new OlmoTrainer(Tiny, new OlmoTrainSpec(Steps: 1, Seed: 4));
        var (wa, wb, wc) = (Weights(a), Weights(b), Weights(c));
        Assert.All(Enumerable.Range(0, wa.Length), i => Assert.True(Same(wa[i], wb[i])));
        Assert.False(Same(wa[0], wc[0]));
    }

    [Fact]
    public void DecayGoesToLinearWeightsOnly()
    {
        using var model = new OlmoModel(Tiny);
        var groups = OlmoTrainer.DecayGroups(model, 0.1).ToList();
        var all = model.named_parameters().ToList();
        Assert.Equal(all.Count, groups.Count);
        Assert.Equal(all.Count, groups.Select(g => g.Param.Handle).Distinct().Count());
        foreach (var (name, p) in all)
        {
            double decay = groups.Single(g => g.Param.Handle == p.Handle).WeightDecay;
            Assert.Equal(name.StartsWith("wte") ? 0 : 0.1, decay);
        }
        Assert.Equal(1, groups.Count(g => g.WeightDecay == 0));
    }

    [Fact]
    public void BatchesMustComeInOrder()
    {
        using var trainer = new OlmoTrainer(Tiny, new OlmoTrainSpec(Steps: 3));
        Assert.Throws<ArgumentException>(() => trainer.Step(Batch(2)));
        using var odd = new OlmoTrainer(Tiny, new OlmoTrainSpec(Steps: 3, GradAccumulation: 3));
        Assert.Throws<ArgumentException>(() => odd.Step(Batch(1)));
    }

    static (Parameter A, Parameter B) Params() =>
        (new Parameter(randn(5, 3, generator: new Generator(1))), new Parameter(randn(3, generator: new Generator(2))));

    static void Train(AdamOptimizer opt, Parameter a, Parameter b, int from, int to)
    {
        for (int step = from; step < to; step++)
        {
            using var scope = NewDisposeScope();
            opt.ZeroGrad();
            var x = randn(8, 5, generator: new Generator((ulong)(100 + step)));
            x.matmul(a).add(b).tanh().square().mean().backward();
            opt.Step();
        }
    }

    [Fact]
    public void AdamStateRoundTrips()
    {
        var root = TempDir();
        try
        {
            var (a1, b1) = Params();
            using var straight = new AdamOptimizer([(a1, 0.1), (b1, 0.0)], lr: 0.05, beta2: 0.95);
            Train(straight, a1, b1, 0, 10);

            var (a2, b2) = Params();
            var path = Path.Combine(root, "adam.bin");
            using (var first = new AdamOptimizer([(a2, 0.1), (b2, 0.0)], lr: 0.05, beta2: 0.95))
            {
                Train(first, a2, b2, 0, 4);
                first.Save(path);
            }
            using var second = new AdamOptimizer([(a2, 0.1), (b2, 0.0)], lr: 0.05, beta2: 0.95);
            second.Load(path);
            Assert.Equal(4, second.StepCount);
            Train(second, a2, b2, 4, 10);

            Assert.True(Same(a1, a2) && Same(b1, b2), "weights differ after the round trip");
            Assert.Equal(straight.StepCount, second.StepCount);
            for (int i = 0; i < 2; i++)
            {
                Assert.True(Same(straight.State.M[i], second.State.M[i]));
                Assert.True(Same(straight.State.V[i], second.State.V[i]));
            }

            // In-memory State/Load copies the same way.
            var (a3, b3) = Params();
            using var third = new AdamOptimizer([(a3, 0.1), (b3, 0.0)], lr: 0.05, beta2: 0.95);
            third.Load(second.State);
            Assert.Equal(10, third.StepCount);
            Assert.True(Same(third.State.V[0], second.State.V[0]));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    /// <summary>Counted on this thread, where the trainer steps: the process-wide count also moves with tests training beside it.</summary>
    [Fact]
    public void A_step_reads_nothing_to_the_host_between_logging_steps()
    {
        using var trainer = new OlmoTrainer(Tiny, new OlmoTrainSpec(Steps: 20, WarmupSteps: 2, Lr: 0.01, ClipGradNorm: 0.5, GradAccumulation: 2));
        long before = Retention.Training.HostReads.OnThisThread;
        for (long s = 1; s <= 9; s++)
        {
            var outcome = trainer.Step(Batch(s), read: false);
            Assert.True(double.IsNaN(outcome.Loss) && double.IsNaN(outcome.GradNorm));
        }
        Assert.Equal(before, Retention.Training.HostReads.OnThisThread);   // nine steps, clipping included: no read
        var logged = trainer.Step(Batch(10), read: true);
        Assert.Equal(before + 2, Retention.Training.HostReads.OnThisThread); // a logging step: the loss and the norm
        Assert.True(logged.Loss > 0 && logged.GradNorm > 0);
    }
}
