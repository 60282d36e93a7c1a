using Retention.Spec;
using TorchSharp;
using Retention.Synthetic;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Retention.Tests.Synthetic;

/// <summary>
/// Cells trained together by one batched trainer follow the trajectories they follow alone,
/// and the padding of the narrower cells never moves.
/// </summary>
public class BatchedTrainerTests(ITestOutputHelper output)
{
    static readonly SyntheticSpec Syn = new() { Tasks = 4, DimsPerTask = 4, FrequencyExponent = 1.5 };
    static readonly TrainSpec Train = new() { Steps = 200, BatchSize = 64, Lr = 0.01, LogEvery = 100 };

    // Different widths (the widest is not first), two cells sharing seed 1 and width 8 … 3.
    static readonly CellSpec[] Cells =
    [
        new("w3-s0", 3, 0), new("w8-s1", 8, 1), new("w5-s2", 5, 2), new("w3-s1", 3, 1), new("w12-s0", 12, 0),
    ];

    /// <summary>
    /// Tolerance 1e-4 absolute on losses (tr(C_k) ≈ 2.08, so about 5e-5 relative) and signals (in
    /// [0, 1]). A cell in the stack computes the same products as alone, plus exact zeros for the
    /// padding, but the GEMMs over (C, B, N_max) may block and order their sums differently, so
    /// the results agree to float32 rounding, not bit for bit (the widest cell, unpadded, does
    /// agree exactly here). After 200 Adam steps the cells were within 2e-7 of their runs alone
    /// (printed below), so 1e-4 leaves room for other BLAS builds and devices while any real
    /// coupling between cells (a wrong seed, a shared input or a leaked gradient) moves the
    /// metrics by 1e-2 or more.
    /// </summary>
    const double Tolerance = 1e-4;

    [Fact]
    public void CellsTrainedTogetherEqualEachCellTrainedAlone()
    {
        var mixture = TaskMixture.From(Syn, 0);
        var together = Train_(mixture, Cells);
        for (int c = 0; c < Cells.Length; c++)
        {
            var alone = Alone(mixture, Cells[c]);
            Assert.Equal(together.Count, alone.Count);
            for (int log = 0; log < alone.Count; log++)
            {
                var (a, b) = (alone[log].Metrics![0], together[log].Metrics![c]);
                double worst = a.Loss.Zip(b.Loss).Concat(a.Signal.Zip(b.Signal)).Max(p => Math.Abs(p.First - p.Second));
                output.WriteLine($"{Cells[c].RunId} step {alone[log].Step}: max |alone − together| = {worst:E2}");
                for (int k = 0; k < Syn.Tasks; k++)
                {
                    Assert.Equal(a.Loss[k], b.Loss[k], Tolerance);
                    Assert.Equal(a.Signal[k], b.Signal[k], Tolerance);
                }
                Assert.Equal(alone[log].TrainLoss![0], together[log].TrainLoss![c], Tolerance);
            }
        }
    }

    [Fact]
    public void CellsWithTheSameSeedAndWidthTrainTheSameWeights()
    {
        // The cheap internal check of the same property: a twin cell in the same stack sees the
        // same init, inputs and tasks, so its metrics match exactly.
        var mixture = TaskMixture.From(Syn, 0);
        var outcome = Train_(mixture, [new("a", 6, 4), new("wide", 10, 9), new("b", 6, 4)])[^1];
        Assert.Equal(outcome.Metrics![0].Loss, outcome.Metrics[2].Loss);
        Assert.NotEqual(outcome.Metrics[0].Loss, outcome.Metrics[1].Loss);
    }

    [Fact]
    public void PaddedColumnsStayExactlyZero()
    {
        var mixture = TaskMixture.From(Syn, 0);
        using var trainer = new SyntheticTrainer(mixture, Train, Cells, CPU);
        using var _ = NewDisposeScope();
        // The weights at initialisation, copied: the real columns are random and nonzero from the
        // start, so only a comparison with this copy shows that training moved them.
        var encodersAtInit = trainer.Students.Encoders.detach().clone();             // (C, D, N_max)
        var decodersAtInit = trainer.Students.AllDecoders.detach().clone();          // (C, K, d, N_max)
        foreach (var batch in CellSampler.Stream(mixture, null, Train.BatchSize, [.. Cells.Select(c => c.Seed)], Train.Steps))
            trainer.Step(batch);

        var s = trainer.Students;
        int nMax = Cells.Max(c => c.Width);
        for (int c = 0; c < Cells.Length; c++)
        {
            int n = Cells[c].Width;
            // Every real column of the encoder and of the decoders moved (200 Adam steps at lr 0.01
            // move every weight that gets a gradient by far more than float32 rounding).
            var encoderMoved = (s.Encoders[c].narrow(1, 0, n) - encodersAtInit[c].narrow(1, 0, n)).abs().amax([0]);     // (N_c)
            var decoderMoved = (s.AllDecoders[c].narrow(2, 0, n) - decodersAtInit[c].narrow(2, 0, n)).abs().amax([0, 1]); // (N_c)
            output.WriteLine($"{Cells[c].RunId}: smallest column move encoder {encoderMoved.min().item<float>():E2}, decoders {decoderMoved.min().item<float>():E2}");
            Assert.True(encoderMoved.min().item<float>() > 1e-4f, $"{Cells[c].RunId}: an encoder column did not move in training");
            Assert.True(decoderMoved.min().item<float>() > 1e-4f, $"{Cells[c].RunId}: a decoder column did not move in training");
            if (n == nMax) continue;
            var encoderPad = s.Encoders[c].narrow(1, n, nMax - n);                 // (D, N_max − N_c)
            var decoderPad = s.AllDecoders[c].narrow(2, n, nMax - n);              // (K, d, N_max − N_c)
            Assert.Equal(0f, encoderPad.abs().max().item<float>());
            Assert.Equal(0f, decoderPad.abs().max().item<float>());
        }
    }

    [Fact]
    public void AStepLeaksNoTensors()
    {
        var mixture = TaskMixture.From(Syn, 0);
        var train = Train with { Steps = 60, LogEvery = 20 };
        var batches = CellSampler.Stream(mixture, null, train.BatchSize, [.. Cells.Select(c => c.Seed)], train.Steps).ToList();
        long atStart = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        using (var trainer = new SyntheticTrainer(mixture, train, Cells, CPU))
        {
            trainer.Step(batches[0]);   // Adam allocates its state on the first step
            long before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
            foreach (var b in batches.Skip(1)) trainer.Step(b);      // includes logging steps (metrics)
            Assert.Equal(before, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
        }
        Assert.Equal(atStart, DisposeScopeManager.Statistics.ThreadTotalLiveCount);   // and disposing frees the rest
    }

    [Fact]
    public void ANonFiniteLossNamesTheCell()
    {
        var mixture = TaskMixture.From(Syn, 0);
        using var trainer = new SyntheticTrainer(mixture, Train with { Lr = 1e18, LogEvery = 1 }, Cells, CPU);
        // The step whose loss stopped being a number says so, with its losses (the evidence) and no metrics.
        var ended = CellSampler.Stream(mixture, null, Train.BatchSize, [.. Cells.Select(c => c.Seed)], 1000)
            .Select(trainer.Step).First(o => o.EndsRun is not null);
        var error = Assert.IsType<NonFiniteLossException>(ended.EndsRun);
        Assert.Contains(ended.TrainLoss!, l => !double.IsFinite(l));
        Assert.Null(ended.Metrics);
        Assert.Contains(error.RunId, Cells.Select(c => c.RunId));
        Assert.Contains($"in run '{error.RunId}'", error.Message);
    }

    /// <summary>The cell as a run alone: the one-cell API and its own task stream.</summary>
    static List<StepOutcome> Alone(TaskMixture mixture, CellSpec cell)
    {
        using var trainer = new SyntheticTrainer(mixture, Syn with { Width = cell.Width }, Train, cell.Seed, CPU);
        return [.. TaskSampler.Stream(mixture.Frequencies, Train.BatchSize, cell.Seed, Train.Steps).Select(trainer.Step).Where(o => o.IsLog)];
    }

    static List<StepOutcome> Train_(TaskMixture mixture, IReadOnlyList<CellSpec> cells)
    {
        using var trainer = new SyntheticTrainer(mixture, Train, cells, CPU);
        return [.. CellSampler.Stream(mixture, null, Train.BatchSize, [.. cells.Select(c => c.Seed)], Train.Steps)
            .Select(trainer.Step).Where(o => o.IsLog)];
    }
}
