using Retention.Training;

namespace Retention.Tests.Training;

public class CpuAllocatorTests
{
    [Fact]
    public void GlibcAcceptsTheSettingsAndEveryOtherCLibraryReportsFalse()
    {
        // On glibc (Debian, Ubuntu: CI and the GPU servers) mallopt must bind and accept both
        // values (glibc 2.36 accepts them; a failed binding reports false).
        // Elsewhere (macOS, Windows, musl) nothing is changed and it says so. Whether this process
        // runs on glibc is read from its own mappings (glibc's soname is libc.so.6, on every architecture).
        bool applied = CpuAllocator.KeepFreedMemory();
        Assert.Equal(OnGlibc(), applied);
    }

    static bool OnGlibc() =>
        OperatingSystem.IsLinux() && File.ReadLines("/proc/self/maps").Any(l => Path.GetFileName(l.Split(' ', StringSplitOptions.RemoveEmptyEntries).Last()) == "libc.so.6");
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

    const string Nvml = "/usr/lib/x86_64-linux-gnu/libnvidia-ml.so.1";

    [SkippableFact]
    public void WithoutTheDriverTheFigureIsNaN()
    {
        Skip.If(File.Exists(Nvml), "NVML is installed here: the figure is real (see the test below)");
        Assert.True(double.IsNaN(GpuMemory.UsedGiB(0)));
    }

    [SkippableFact]
    public void WithTheDriverAndAGpuTheFigureIsTheMemoryInUse()
    {
        Skip.IfNot(File.Exists(Nvml) && TorchSharp.torch.cuda.is_available(), "needs the NVIDIA driver and a CUDA device: checked on the GPU machine");
        using var held = TorchSharp.torch.zeros([256L << 20], device: TorchSharp.torch.CUDA);   // 1 GiB on device 0
        TorchSharp.torch.cuda.synchronize();
        double used = GpuMemory.UsedGiB(0);
        Assert.True(used >= 1.0 && used < 4096, $"{used} GiB in use while this test holds 1 GiB");
    }
}
