using Retention.Training;

namespace Retention.Tests.Training;

public class CpuAllocatorTests
{
    [Fact]
    public void GlibcAcceptsTheSettingsOnLinux()
    {
        // On glibc (Debian, Ubuntu: CI and the GPU servers) mallopt must bind and accept both
        // values; 32 MiB is glibc's largest allowed mmap threshold, so a larger one would be refused.
        bool applied = CpuAllocator.KeepFreedMemory();
        if (OperatingSystem.IsLinux() && File.Exists("/lib/x86_64-linux-gnu/libc.so.6")) Assert.True(applied);
        if (!OperatingSystem.IsLinux()) Assert.False(applied);
    }
}

public class GpuMemoryTests
{
    [Theory]
    [InlineData(null, 1, "1")]
    [InlineData("", 0, "0")]
    [InlineData("3,1", 0, "3")]
    [InlineData("3, 1", 1, "1")]
    [InlineData("GPU-8f2c,GPU-11aa", 1, "GPU-11aa")]
    [InlineData("2", 1, "")]          // CUDA sees one device: there is no device 1
    public void CudaIndicesMapThroughCudaVisibleDevices(string? visible, int cudaIndex, string nvml) =>
        Assert.Equal(nvml, GpuMemory.NvmlDevice(visible, cudaIndex));

    [Fact]
    public void WithoutTheDriverTheFigureIsNaN()
    {
        if (File.Exists("/usr/lib/x86_64-linux-gnu/libnvidia-ml.so.1")) return;   // a GPU machine: nothing to check here
        Assert.True(double.IsNaN(GpuMemory.UsedGiB(0)));
    }
}
