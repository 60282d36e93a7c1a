using Retention.Models;

namespace Retention.Spec;

/// <summary>
/// Rough memory a run needs, so that validation refuses what cannot fit before any work (a grid
/// too wide for the machine otherwise runs until the kernel kills it). Deliberately on the low
/// side: it refuses what certainly cannot fit, never what might.
/// </summary>
public static class ResourceEstimate
{
    /// <summary>The input dimension D of a synthetic run: K·d, plus d for a rare task's own block.</summary>
    public static long SyntheticInputDims(SyntheticSpec s) => (long)(s.Tasks + (s.Rare is null ? 0 : 1)) * s.DimsPerTask;

    /// <summary>Bytes of one synthetic cell: encoder D×N and decoders (K·d)×N with gradients and Adam's
    /// two moments (float32), and per step the input batch, each task's reconstruction and its gradient.</summary>
    public static double SyntheticBytes(PipelineSpec spec)
    {
        double dims = SyntheticInputDims(spec.Synthetic), width = spec.Synthetic.Width, batch = spec.Train.BatchSize;
        return 4.0 * (4 * 2 * dims * width + 4 * batch * dims);
    }

    /// <summary>Bytes a group of synthetic runs (equal but for width and seed, <see cref="Pipeline.SweepGroups"/>) needs at
    /// once: one batched trainer holds every run, each padded to the group's widest, so the sum of its runs at that width.
    /// What `run` checks against this machine and `submit` against each task's --mem.</summary>
    public static double SyntheticGroupBytes(IReadOnlyList<RunPlan> group) =>
        group.Count * SyntheticBytes(group.MaxBy(r => r.Spec.Synthetic.Width)!.Spec);

    /// <summary>A batched group as the memory errors name it: "width-2, width-4 and 3 more: one batched trainer, each run padded
    /// to width 48".</summary>
    public static string SyntheticGroup(IReadOnlyList<RunPlan> group) =>
        $"{Messages.Listing.FirstFew(group.Select(r => r.RunId))}: one batched trainer, each run padded to width {group.Max(r => r.Spec.Synthetic.Width)}";

    /// <summary>What lowers a synthetic run's memory, as the memory errors advise it (one run, a group, a Slurm task).</summary>
    public const string SyntheticLevers = "lower train.batch_size, synthetic.width, or the input dimensions: synthetic.tasks × dims_per_task";

    /// <summary>Bytes of one OLMo run: float32 weights, gradients and AdamW's moments (16 per parameter),
    /// activations kept for the backward pass (about 6·hidden + mlp_dim floats per token and layer,
    /// measured against the 1B preset's 60 GiB on an H100 at 8×2048), and the logits twice.</summary>
    public static double OlmoBytes(OlmoConfig config, long rowsPerMicroBatch, int seqLen)
    {
        double tokens = (double)rowsPerMicroBatch * seqLen;
        return 16.0 * config.ParameterCount()
            + 4.0 * tokens * config.Layers * (6.0 * config.Hidden + config.MlpDim)
            + 8.0 * tokens * config.VocabSize;
    }

    /// <summary>Memory this process may use on the CPU (physical memory, or a container's limit).</summary>
    public static long HostBytes() => GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;

    /// <summary>A size in GiB to the tenth; under a twentieth of a GiB in MiB, and under a twentieth of a MiB in KiB, where
    /// tenths of a GiB read "0 GiB" (a task's "--mem 5M gives each task 0 GiB" against a need of "0 GiB" said nothing).</summary>
    public static string GiB(double bytes) =>
        bytes >= (1L << 30) / 20.0 ? $"{bytes / (1L << 30):0.#} GiB"
        : bytes >= (1L << 20) / 20.0 ? $"{bytes / (1L << 20):0.#} MiB"
        : $"{bytes / 1024:0.#} KiB";
}
