using Retention.Spec;

namespace Retention.Pipeline;

/// <summary>The devices a sweep's runs ask for, checked against this machine before anything is deleted or trained.</summary>
public static class SweepDevices
{
    /// <summary>Refuses a sweep with a run on a device this machine lacks (a data run uses none, and needs no LibTorch).
    /// `run` asks it before any memory verdict too (<c>RunRefusals</c>): a sweep that cannot train here at all is refused for
    /// that, not told to sweep fewer seeds or shrink its CPU runs and then met with it.</summary>
    /// <exception cref="Training.DeviceUnavailableException">`cuda` where CUDA is not available, or a `cuda:N` this machine lacks.</exception>
    public static void Require(LoadedPipeline pipeline)
    {
        if (!pipeline.Spec.TrainsModel) return;
        // Every machine has `cpu`, and `auto` picks what it has: only a cuda one is asked of LibTorch, which a CPU sweep refused
        // for its memory next need not load (any torch call loads it).
        var cuda = pipeline.Runs.Select(r => r.Spec.Device).Where(d => d.StartsWith("cuda", StringComparison.Ordinal)).Distinct().ToList();
        if (cuda.Count == 0) return;
        Training.TorchLoading.Load();   // its loader trace kept off stdout, where it fails
        foreach (var device in cuda) Training.Devices.Resolve(device);
    }
}
