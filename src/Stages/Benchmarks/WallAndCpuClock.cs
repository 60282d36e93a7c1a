using System.Diagnostics;

namespace Retention.Benchmarks;

/// <summary>
/// Wall seconds and the process's CPU seconds (every thread) since it was started. On a shared machine the wall clock of a
/// second-long measurement swings with other work; the CPU seconds it took swing far less, and their ratio between two paths
/// is what bounds one against the other on the same cores.
/// </summary>
public sealed class WallAndCpuClock
{
    private readonly Stopwatch _wall = Stopwatch.StartNew();
    private readonly TimeSpan _cpuAtStart = ProcessCpu();

    public double Seconds => _wall.Elapsed.TotalSeconds;

    public double CpuSeconds => (ProcessCpu() - _cpuAtStart).TotalSeconds;

    private static TimeSpan ProcessCpu()
    {
        using var self = Process.GetCurrentProcess();
        return self.TotalProcessorTime;
    }
}
