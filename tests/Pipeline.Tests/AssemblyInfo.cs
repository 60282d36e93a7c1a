using System.Runtime.CompilerServices;

// Tests that train run one at a time, each on one LibTorch thread: LibTorch's OpenMP threads
// spin-wait, so trainings competing for a 2-core CI machine are many times slower.
[assembly: CollectionBehavior(DisableTestParallelization = true)]

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
