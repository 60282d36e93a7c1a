using System.Runtime.InteropServices;

namespace Retention.Training;

/// <summary>
/// Device memory in use, read from NVML (the driver's libnvidia-ml, present wherever the NVIDIA
/// driver is). TorchSharp 0.107 exposes none of LibTorch's CUDA allocator statistics; since the
/// caching allocator keeps what it reserved, the memory in use after a workload is its high-water
/// mark plus the CUDA context (about 0.5 GiB). NVML counts every process on the device and
/// indexes devices as the driver does (CUDA_VISIBLE_DEVICES does not renumber them).
/// </summary>
public static class GpuMemory
{
    const string Library = "libnvidia-ml.so.1";

    [StructLayout(LayoutKind.Sequential)]
    struct NvmlMemory { public ulong Total, Free, Used; }

    [DllImport(Library, EntryPoint = "nvmlInit_v2")] static extern int Init();
    [DllImport(Library, EntryPoint = "nvmlDeviceGetHandleByIndex_v2")] static extern int HandleByIndex(uint index, out IntPtr device);
    [DllImport(Library, EntryPoint = "nvmlDeviceGetMemoryInfo")] static extern int MemoryInfo(IntPtr device, out NvmlMemory memory);

    /// <summary>GiB in use on device <paramref name="index"/>, or NaN where NVML is missing or fails.</summary>
    public static double UsedGiB(int index)
    {
        try
        {
            if (Init() != 0 || HandleByIndex((uint)Math.Max(index, 0), out var device) != 0 || MemoryInfo(device, out var m) != 0)
                return double.NaN;
            return m.Used / (double)(1L << 30);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return double.NaN;
        }
    }
}
