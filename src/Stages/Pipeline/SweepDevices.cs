using Retention.Spec;

namespace Retention.Pipeline;

/// <summary>The devices a sweep's runs ask for, checked against this machine before anything is deleted or trained.</summary>
public static class SweepDevices
{
    /// <summary>Refuses a sweep with a run on a device this machine lacks (a data run uses none, and needs no LibTorch).
    /// `run` asks it before the memory check too: a sweep that cannot train here at all is refused for that, not told to
    /// sweep fewer seeds for its CPU runs and then met with it.</summary>
    /// <exception cref="Training.DeviceUnavailableException">`cuda` where CUDA is not available, or a `cuda:N` this machine lacks.</exception>
    public static void Require(LoadedPipeline pipeline)
    {
        if (!pipeline.Spec.TrainsModel) return;
        foreach (var device in pipeline.Runs.Select(r => r.Spec.Device).Distinct()) Training.Devices.Resolve(device);
    }
}
