using Retention.Artifacts;
using Retention.Data;
using Retention.Models;
using Retention.Training;
using static TorchSharp.torch;

namespace Retention.Benchmarks;

/// <summary>One comparison of `pipeline bench parity`: a device's training against the CPU's in float32.</summary>
public sealed record ParityRow(string Timestamp, string Device, string Precision, int GradAccumulation, bool FusedElementwise, int Steps,
    double LossDifference, double GradNormDifference, double WeightDifference, double Tolerance, bool Agrees);

/// <summary>
/// Whether a device's training path computes what the CPU's does: a small OLMo model trained the same
/// steps from the same seed on the same batches, on the device (in float32 and in bf16) and on the CPU in
/// float32, through every part of the trainer a GPU run uses (the batch upload, the multi-tensor gradient
/// kernels, the fused AdamW, the shared bf16 weight casts with several micro-batches, the loss, and with
/// <c>--fused-elementwise</c> the TorchScript rotary and SwiGLU). Float32 kernels differ from the CPU's only
/// in summation order; bf16 rounds every matmul's inputs, hence a looser tolerance. Differences are
/// relative: the largest over steps of |Δloss| / loss and the same for the gradient norm, which must be
/// within the tolerance, and ‖Δweights‖ / ‖weights‖ at the end, reported only (Adam's update is about the
/// sign of each gradient, so an element whose gradient is rounding noise may step either way on either
/// device without the training differing).
/// </summary>
public static class ParityBench
{
    /// <param name="Tolerance">The relative difference that still agrees; null: <see cref="ToleranceFor"/> the precision.</param>
    public sealed record Config(string Device, int Steps = 8, int GradAccumulation = 2, bool FusedElementwise = false, double? Tolerance = null);

    /// <summary>The model compared: big enough for every kernel to run as in a real model, small enough for the CPU.</summary>
    static readonly OlmoConfig Model = new(Layers: 2, Hidden: 64, MlpDim: 256, Heads: 4, VocabSize: 512, MaxSeqLen: 64);
    const int Rows = 8, RowLength = 65;

    /// <summary>The largest relative difference that still agrees: float32 kernels differ in summation order
    /// only; bf16 rounds the inputs of every matmul (on the CPU its loss stays within 3e-5 and its gradient
    /// norm within 7e-4 of float32's over 8–20 steps). A device whose float32 matmuls run in TF32 differs by
    /// about 1e-3 and is reported as differing: that is not float32.</summary>
    public static double ToleranceFor(string precision) => precision == "fp32" ? 1e-4 : 1e-2;

    /// <summary>What is wrong with <paramref name="c"/>'s numbers, in the CLI's terms; null when nothing.</summary>
    public static string? Problem(Config c) =>
        c.Steps < 1 ? "--steps must be ≥ 1"
        : c.GradAccumulation < 1 || Rows % c.GradAccumulation != 0 ? $"--grad-accumulation must divide the batch's {Rows} rows: {string.Join(", ", Enumerable.Range(1, Rows).Where(d => Rows % d == 0))}"
        : c.Tolerance is { } t && !(t >= 0 && double.IsFinite(t)) ? $"--tolerance must be a finite number ≥ 0, got {t}"
        : null;

    /// <param name="ct">Checked at every step: a Ctrl+C stops the comparison there and nothing is recorded (it ran on through
    /// both comparisons, recorded them and exited 0, or was ended by the grace period).</param>
    public static IReadOnlyList<ParityRow> Run(Config c, Action<string> log, CancellationToken ct = default)
    {
        if (Problem(c) is { } problem) throw new ArgumentException(problem);
        var device = Devices.Resolve(c.Device);
        var rows = new List<ParityRow>();
        foreach (var precision in new[] { "fp32", "bf16" })
        {
            var row = Compare(c, device, precision, ct);
            log($"{precision} on {device} against fp32 on the CPU, {Messages.Counted.Of(c.Steps, "step")} in {Messages.Counted.Of(c.GradAccumulation, "micro-batch", plural: "micro-batches")}" +
                $"{(c.FusedElementwise ? ", TorchScript rotary and SwiGLU" : "")}: loss {row.LossDifference:E1}, gradient norm " +
                $"{row.GradNormDifference:E1}, weights {row.WeightDifference:E1} (tolerance {row.Tolerance:E0}): {(row.Agrees ? "agree" : "DIFFER")}");
            rows.Add(row);
        }
        return rows;
    }

    static ParityRow Compare(Config c, Device device, string precision, CancellationToken ct)
    {
        var spec = new OlmoTrainSpec(Steps: c.Steps, Lr: 1e-3, Seed: 1, GradAccumulation: c.GradAccumulation, ClipGradNorm: 1.0);
        using var reference = new OlmoTrainer(Model, spec with { Precision = "fp32" }, CPU);
        using var candidate = new OlmoTrainer(Model, spec with { Precision = precision, FusedElementwise = c.FusedElementwise }, device);
        double loss = 0, norm = 0;
        for (long s = 1; s <= c.Steps; s++)
        {
            ct.ThrowIfCancellationRequested();
            var batch = Batch(s);
            var (a, b) = (candidate.Step(batch), reference.Step(batch));
            loss = Math.Max(loss, Relative(a.Loss, b.Loss));
            norm = Math.Max(norm, Relative(a.GradNorm, b.GradNorm));
        }
        double weights = WeightDifference(candidate.Model, reference.Model);
        double tolerance = c.Tolerance ?? ToleranceFor(precision);
        bool agrees = loss <= tolerance && norm <= tolerance;   // NaN never agrees
        return new ParityRow(BenchRecords.Timestamp(), device.ToString(), precision, c.GradAccumulation,
            c.FusedElementwise, c.Steps, loss, norm, weights, tolerance, agrees);
    }

    static double Relative(double a, double b) => Math.Abs(a - b) / Math.Max(Math.Abs(b), 1e-12);

    /// <summary>‖a − b‖ / ‖b‖ over all weights together.</summary>
    static double WeightDifference(OlmoModel a, OlmoModel b)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        double diff = 0, scale = 0;
        foreach (var (p, q) in a.parameters().Zip(b.parameters()))
        {
            var pc = p.cpu().to(ScalarType.Float64);
            var qc = q.to(ScalarType.Float64);
            diff += pc.sub(qc).square().sum().item<double>();
            scale += qc.square().sum().item<double>();
        }
        return Math.Sqrt(diff / scale);
    }

    /// <summary>Seeded random tokens for step <paramref name="step"/>, the same for both trainers.</summary>
    static TrainingBatch Batch(long step) => RandomBatches.Next(new Random((int)step), step, Rows, RowLength, Model.VocabSize);

    public static readonly RecordBatchBuilder<ParityRow> Table = new RecordBatchBuilder<ParityRow>()
        .Utf8("timestamp", r => r.Timestamp).Utf8("device", r => r.Device).Utf8("precision", r => r.Precision)
        .Int32("grad_accumulation", r => r.GradAccumulation).Bool("fused_elementwise", r => r.FusedElementwise).Int32("steps", r => r.Steps)
        .Float64("loss_difference", r => r.LossDifference).Float64("grad_norm_difference", r => r.GradNormDifference)
        .Float64("weight_difference", r => r.WeightDifference).Float64("tolerance", r => r.Tolerance).Bool("agrees", r => r.Agrees);

    public static Task<string> RecordAsync(IReadOnlyList<ParityRow> rows, string artifactsRoot) =>
        BenchRecords.WriteAsync(artifactsRoot, "parity", Table, rows);
}
