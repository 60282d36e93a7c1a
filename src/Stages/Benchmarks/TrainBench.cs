using System.Diagnostics;
using Retention.Artifacts;
using Retention.Data;
using Retention.Models;
using Retention.Training;
using static TorchSharp.torch;

namespace Retention.Benchmarks;

/// <summary>One measurement of `pipeline bench train`.</summary>
public sealed record TrainBenchRow(string Timestamp, string Device, string Model, long Parameters, string Precision, int BatchSize,
    int SeqLen, int GradAccumulation, int Steps, double StepSeconds, double TokensPerSecond, double PeakMemoryGiB, double PeakFlops, double Mfu,
    bool FusedElementwise);

/// <summary>
/// Tokens/s, step time, peak memory and MFU of the OLMo trainer (forward, backward, clipping,
/// AdamW) on random tokens, after warm-up. MFU = 6·parameters·tokens/s over the device's
/// measured matmul peak (a timed 2048³ float32 product on the CPU, 8192³ bfloat16 on CUDA), so
/// attention's own FLOPs are not counted (as in the paper's 6·N·D compute).
/// Peak memory: the process's peak working set on the CPU; on CUDA the device memory in use after
/// the timed steps (NVML, <see cref="GpuMemory"/>): what LibTorch's caching allocator reserved at
/// most (the peak-FLOPs matrices included) plus the context, on a GPU the bench has to itself.
/// </summary>
public static class TrainBench
{
    /// <param name="BatchSize">Rows per optimiser step, split into <paramref name="GradAccumulation"/> micro-batches.</param>
    /// <param name="PhaseSteps">Steps after the timed ones with the device synchronised after each phase, to print where the time goes.</param>
    public sealed record Config(string Device, string Preset, int VocabSize, int BatchSize, int SeqLen, int Steps,
        string Precision = "auto", int GradAccumulation = 1, bool FusedElementwise = false, int PhaseSteps = 0);

    /// <summary>What is wrong with <paramref name="c"/>, in the CLI's terms; null when nothing.</summary>
    public static string? Problem(Config c) =>
        // As the CLI's other unknown values: with the one likely meant (4m: '4M'). A precision is not suggested: fp16 is
        // another format, not a misspelt fp32.
        !OlmoConfig.PresetNames.Contains(c.Preset) ? $"--model {c.Preset}: {Spec.KeySuggestions.UnknownKey(c.Preset, OlmoConfig.PresetNames, "OLMo preset")}"
        : !MixedPrecision.Names.Contains(c.Precision) ? $"--precision {c.Precision}: unknown precision; allowed: {string.Join(", ", MixedPrecision.Names)}"
        : c.GradAccumulation < 1 || c.BatchSize % c.GradAccumulation != 0
            ? $"--batch-size {c.BatchSize} does not split into --grad-accumulation {c.GradAccumulation} equal micro-batches: give a batch size that is a multiple of it"
        : null;

    /// <param name="ct">Checked at every step (a Ctrl+C stops the bench; nothing is recorded).</param>
    public static TrainBenchRow Run(Config c, Action<string> log, CancellationToken ct = default)
    {
        if (Problem(c) is { } problem) throw new ArgumentException(problem);
        var device = Devices.Resolve(c.Device);
        var config = OlmoConfig.Preset(c.Preset, c.VocabSize) with { MaxSeqLen = c.SeqLen };
        double peak = MeasurePeak(device);
        log($"measured matmul peak on {device}: {peak / 1e12:F2} TFLOP/s");
        using var trainer = new OlmoTrainer(config,
            new OlmoTrainSpec(Steps: c.Steps + 2, Precision: c.Precision, GradAccumulation: c.GradAccumulation, FusedElementwise: c.FusedElementwise), device);
        string precision = MixedPrecision.Name(trainer.Model.ComputeDtype);
        log($"attention kernel: {AttentionBackend.For(config, device, trainer.Model.ComputeDtype, c.SeqLen)}; AdamW: {(trainer.Optimizer.IsFused ? "fused" : "per parameter")}; " +
            $"rotary and SwiGLU: {(c.FusedElementwise ? "TorchScript" : "op by op")}" +
            (trainer.SharesWeightCasts ? "; weights cast once per step" : ""));
        var rng = new Random(0);
        TrainingBatch Batch(long step) => RandomBatches.Next(rng, step, c.BatchSize, c.SeqLen + 1, c.VocabSize);
        ct.ThrowIfCancellationRequested();
        trainer.Step(Batch(1));
        trainer.Step(Batch(2));
        Devices.Synchronize(device);
        var clock = Stopwatch.StartNew();
        // As training between logging steps: nothing read to the host (no synchronisation per step).
        for (int s = 3; s < c.Steps + 3; s++)
        {
            ct.ThrowIfCancellationRequested();
            trainer.Step(Batch(s), read: false);
        }
        Devices.Synchronize(device);
        double seconds = clock.Elapsed.TotalSeconds / c.Steps;
        double tokensPerSecond = (double)c.BatchSize * c.SeqLen / seconds;
        long parameters = config.ParameterCount();
        double mfu = 6.0 * parameters * tokensPerSecond / peak;
        double memory = device.type == TorchSharp.DeviceType.CUDA
            ? GpuMemory.UsedGiB(device.index)
            : Process.GetCurrentProcess().PeakWorkingSet64 / (double)(1L << 30);
        var row = new TrainBenchRow(BenchRecords.Timestamp(), device.ToString(), c.Preset, parameters, precision,
            c.BatchSize, c.SeqLen, c.GradAccumulation, c.Steps, seconds, tokensPerSecond, memory, peak, mfu, c.FusedElementwise);
        log($"{c.Preset} ({parameters:N0} parameters, {precision}), batch {c.BatchSize} × {c.SeqLen}" +
            $"{(c.GradAccumulation > 1 ? $" in {c.GradAccumulation} micro-batches" : "")}: {seconds * 1000:F0} ms/step, " +
            $"{tokensPerSecond:N0} tokens/s, MFU {mfu:P1}, peak memory {(double.IsNaN(memory) ? "n/a" : $"{memory:F2} GiB")}");
        if (c.PhaseSteps > 0) log(Phases(trainer, device, c.PhaseSteps, Batch, c.Steps + 3, ct));
        return row;
    }

    /// <summary>Runs <paramref name="steps"/> more steps with a <see cref="PhaseTimer"/> and describes them.</summary>
    static string Phases(OlmoTrainer trainer, Device device, int steps, Func<long, TrainingBatch> batch, long first, CancellationToken ct)
    {
        var timer = new PhaseTimer(device);
        trainer.PhaseEnded = timer.End;
        try
        {
            for (long s = first; s < first + steps; s++)
            {
                ct.ThrowIfCancellationRequested();
                timer.StartStep();
                trainer.Step(batch(s), read: false);
            }
        }
        finally
        {
            trainer.PhaseEnded = null;
        }
        var phases = timer.PerStep(steps);
        return $"phases, ms per step with the device synchronised after each ({Messages.Counted.Of(steps, "step")}): " +
            string.Join(", ", phases.Select(p => $"{p.Phase} {p.Milliseconds:F1}")) + $"; sum {phases.Sum(p => p.Milliseconds):F1}";
    }

    static double MeasurePeak(Device device)
    {
        int n = device.type == TorchSharp.DeviceType.CUDA ? 8192 : 2048;
        var dtype = device.type == TorchSharp.DeviceType.CUDA ? ScalarType.BFloat16 : ScalarType.Float32;
        using var scope = NewDisposeScope();
        var a = randn(n, n, dtype: dtype, device: device);
        var b = randn(n, n, dtype: dtype, device: device);
        a.matmul(b);
        Devices.Synchronize(device);
        const int reps = 5;
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < reps; i++) a.matmul(b);
        Devices.Synchronize(device);
        return 2.0 * n * n * n * reps / clock.Elapsed.TotalSeconds;
    }


    public static readonly RecordBatchBuilder<TrainBenchRow> Table = new RecordBatchBuilder<TrainBenchRow>()
        .Utf8("timestamp", r => r.Timestamp).Utf8("device", r => r.Device).Utf8("model", r => r.Model)
        .Int64("parameters", r => r.Parameters).Utf8("precision", r => r.Precision).Int32("batch_size", r => r.BatchSize)
        .Int32("seq_len", r => r.SeqLen).Int32("grad_accumulation", r => r.GradAccumulation).Int32("steps", r => r.Steps).Float64("step_seconds", r => r.StepSeconds).Float64("tokens_per_s", r => r.TokensPerSecond)
        .Float64("peak_memory_gib", r => r.PeakMemoryGiB).Float64("peak_flops", r => r.PeakFlops).Float64("mfu", r => r.Mfu)
        .Bool("fused_elementwise", r => r.FusedElementwise);

    public static Task<string> RecordAsync(TrainBenchRow row, string artifactsRoot) =>
        BenchRecords.WriteAsync(artifactsRoot, $"train-{row.Model}", Table, [row]);
}
