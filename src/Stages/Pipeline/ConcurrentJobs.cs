using Retention.Spec;
using Retention.Training;

namespace Retention.Pipeline;

/// <summary>How many sweep groups `pipeline run` trains at once when --jobs is 0 (auto).</summary>
public static class ConcurrentJobs
{
    /// <summary>
    /// On the CPU, one job per <paramref name="torchThreads"/> cores (0 threads = LibTorch uses every
    /// core, so one job). On a GPU, one: concurrency there is opt-in (--jobs N), because it pays for
    /// small launch-bound models and would run large ones out of device memory.
    /// </summary>
    public static int Default(IEnumerable<RunPlan> runs, int torchThreads, int cores) =>
        runs.All(r => Devices.IsCpu(r.Spec.Device)) ? Math.Max(1, cores / (torchThreads <= 0 ? cores : torchThreads)) : 1;
}
