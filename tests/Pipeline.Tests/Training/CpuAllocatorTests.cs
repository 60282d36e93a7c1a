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
