using System.Runtime.CompilerServices;

// Two test classes at a time (a class's tests run in order; a [Collection] keeps its classes apart from each other). Most
// tests wait on a `pipeline` process, leaving a core idle when run one at a time: on 2 cores the suite took 15.9 min
// one class at a time, 10.0 min two at a time. Every training, in this process and in the processes it starts, uses one
// LibTorch thread (below, and OMP_NUM_THREADS in CliProcess): LibTorch's OpenMP threads spin-wait, so trainings
// competing for cores with more threads each are many times slower.
[assembly: CollectionBehavior(MaxParallelThreads = 2)]

namespace Retention.Tests;

static class TestSetup
{
    [ModuleInitializer]
    internal static void OneTorchThread()
    {
        Retention.Training.TorchThreads.Apply(1);
        Retention.Training.CpuAllocator.KeepFreedMemory();   // as the `pipeline` host does
    }
}
