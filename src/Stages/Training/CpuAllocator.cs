using System.Runtime.InteropServices;

namespace Retention.Training;

/// <summary>
/// Keeps glibc from handing tensor memory back to the kernel between steps. LibTorch's CPU
/// allocator is plain malloc; a training step allocates and frees the same few buffers of
/// 0.1–30 MB every step, and with glibc's defaults these are mmap'd and munmap'd (or trimmed from
/// the heap top) each time, so every step pays fresh page faults. Measured on this project's
/// CPU machine (1 LibTorch thread): the 8-cell cpu-profile synthetic trainer went from 5.8 to
/// 1.5 ms per step, one width-512 cell from 14.6 to 9.8 ms (docs/benchmarks.md). The cost is
/// that up to <see cref="TrimThreshold"/> of freed memory stays with the process.
/// </summary>
public static class CpuAllocator
{
    const int MTrimThreshold = -1, MMmapThreshold = -3;   // glibc malloc.h
    /// <summary>Blocks up to this size come from the heap, not mmap (glibc's maximum on 64-bit).</summary>
    public const int MmapThreshold = 32 << 20;
    /// <summary>Free memory at the heap top kept rather than returned to the kernel.</summary>
    public const int TrimThreshold = 1 << 30;

    [DllImport("libc", EntryPoint = "mallopt")]
    static extern int MallOpt(int parameter, int value);

    /// <summary>Applies the settings; false where the C library is not glibc (macOS, Windows, musl:
    /// nothing changed) or glibc refused one of them (the other may be applied). Either way runs
    /// stay correct, only slower.</summary>
    public static bool KeepFreedMemory()
    {
        if (!OperatingSystem.IsLinux()) return false;
        try
        {
            return MallOpt(MMmapThreshold, MmapThreshold) == 1 & MallOpt(MTrimThreshold, TrimThreshold) == 1;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }
}
