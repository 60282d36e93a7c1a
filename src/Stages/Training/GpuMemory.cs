using System.Runtime.InteropServices;

namespace Retention.Training;

/// <summary>
/// Memory in use on a GPU, read from NVML (the driver's libnvidia-ml, present wherever the NVIDIA
/// driver is). TorchSharp 0.107 exposes none of LibTorch's CUDA allocator statistics. LibTorch's
/// caching allocator keeps what it reserved, so on a GPU this process has to itself the figure
/// after a workload is the most the allocator reserved plus the CUDA context (about 0.5 GiB); NVML
/// counts every process on the device. CUDA device N is the N-th entry of CUDA_VISIBLE_DEVICES
/// when that is set (indices or GPU-… UUIDs), as NVML numbers devices in PCI order regardless.
/// </summary>
public static class GpuMemory
{
    const string Library = "libnvidia-ml.so.1";

    [StructLayout(LayoutKind.Sequential)]
    struct NvmlMemory { public ulong Total, Free, Used; }

    [DllImport(Library, EntryPoint = "nvmlInit_v2")] static extern int Init();
    [DllImport(Library, EntryPoint = "nvmlDeviceGetHandleByIndex_v2")] static extern int HandleByIndex(uint index, out IntPtr device);
    [DllImport(Library, EntryPoint = "nvmlDeviceGetHandleByUUID")] static extern int HandleByUuid(string uuid, out IntPtr device);
    [DllImport(Library, EntryPoint = "nvmlDeviceGetMemoryInfo")] static extern int MemoryInfo(IntPtr device, out NvmlMemory memory);

    /// <summary>GiB in use on CUDA device <paramref name="cudaIndex"/>, or NaN where NVML is missing or fails.</summary>
    public static double UsedGiB(int cudaIndex)
    {
        try
        {
            if (Init() != 0) return double.NaN;
            var visible = NvmlDevice(Environment.GetEnvironmentVariable("CUDA_VISIBLE_DEVICES"), Math.Max(cudaIndex, 0));
            IntPtr device = IntPtr.Zero;
            int found = visible.StartsWith("GPU-") ? HandleByUuid(visible, out device)
                : uint.TryParse(visible, out var index) ? HandleByIndex(index, out device)
                : -1;
            if (found != 0 || MemoryInfo(device, out var m) != 0) return double.NaN;
            return m.Used / (double)(1L << 30);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return double.NaN;
        }
    }

    /// <summary>NVML's name (index or UUID) of CUDA device <paramref name="cudaIndex"/> under
    /// <paramref name="cudaVisibleDevices"/> (null or empty: all devices, in NVML's order).</summary>
    public static string NvmlDevice(string? cudaVisibleDevices, int cudaIndex)
    {
        if (string.IsNullOrWhiteSpace(cudaVisibleDevices)) return cudaIndex.ToString();
        var entries = cudaVisibleDevices.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        return cudaIndex < entries.Length ? entries[cudaIndex] : "";
    }
}
