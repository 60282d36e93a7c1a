using System.Diagnostics;
using Retention.Training;
using static TorchSharp.torch;

namespace Retention.Benchmarks;

/// <summary>
/// Where a training step's time goes, phase by phase (<see cref="OlmoTrainer.PhaseEnded"/>): at the end of
/// each phase it waits for the device and charges the time since the previous mark to that phase. The
/// waits themselves cost throughput, so this is a diagnostic run after the timed steps, never part of them.
/// </summary>
public sealed class PhaseTimer(Device device)
{
    readonly Dictionary<StepPhase, double> seconds = [];
    readonly Stopwatch clock = new();

    /// <summary>Marks a step's start (after the device is idle).</summary>
    public void StartStep()
    {
        Devices.Synchronize(device);
        clock.Restart();
    }

    public void End(StepPhase phase)
    {
        Devices.Synchronize(device);
        seconds[phase] = seconds.GetValueOrDefault(phase) + clock.Elapsed.TotalSeconds;
        clock.Restart();
    }

    /// <summary>Milliseconds per step in each phase seen, in step order.</summary>
    public IReadOnlyList<(StepPhase Phase, double Milliseconds)> PerStep(int steps) =>
        [.. Enum.GetValues<StepPhase>().Where(seconds.ContainsKey).Select(p => (p, seconds[p] / steps * 1000))];
}
