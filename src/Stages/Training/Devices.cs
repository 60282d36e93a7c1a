using static TorchSharp.torch;

namespace Retention.Training;

public static class Devices
{
    /// <summary>Waits for queued CUDA work (timings must not stop the clock before the GPU is done); no-op on the CPU.</summary>
    public static void Synchronize(Device device)
    {
        if (device.type == TorchSharp.DeviceType.CUDA) cuda.synchronize();
    }

    /// <summary>
    /// <paramref name="host"/> (a CPU tensor) on <paramref name="device"/> without waiting for the device: on CUDA
    /// staged in page-locked memory and copied asynchronously, in stream order. A blocking copy (PyTorch's
    /// default) synchronises the stream, so the host would wait for all queued kernels before it could queue
    /// the next micro-batch's. LibTorch's pinned-memory cache keeps the staging buffer until the copy has
    /// run, so it may be released at once. Elsewhere a plain copy; on the CPU the tensor itself (an alias).
    /// </summary>
    public static Tensor Upload(Tensor host, Device device)
    {
        if (device.type == TorchSharp.DeviceType.CPU) return host.alias();
        if (device.type != TorchSharp.DeviceType.CUDA) return host.to(device);
        Tensor pinned;
        try
        {
            pinned = host.pin_memory();
        }
        catch (System.Runtime.InteropServices.ExternalException)
        {
            return host.to(device);   // no page-locked memory to be had: the blocking copy still works
        }
        using (pinned) return pinned.to(device, non_blocking: true);
    }

    /// <summary>Whether a device: value trains on the CPU here (cpu, or auto without CUDA). Names
    /// only, so a cuda run can be planned on a machine without CUDA; <see cref="Resolve"/> checks.</summary>
    public static bool IsCpu(string name) => name == "cpu" || name == "auto" && Resolve(name).type == TorchSharp.DeviceType.CPU;

    /// <summary>cpu | cuda | cuda:N | auto (cuda when available). Asking for cuda where
    /// none is available is an error, not a silent fall-back to the CPU.</summary>
    public static Device Resolve(string name)
    {
        if (name == "auto") return cuda.is_available() ? CUDA : CPU;
        if (name == "cpu") return CPU;
        if (name.StartsWith("cuda"))
        {
            if (!cuda.is_available())
                throw new DeviceUnavailableException(
                    $"device '{name}' was asked for but CUDA is not available (TorchSharp loaded the CPU LibTorch; see README 'GPU servers')");
            if (MissingIndex(name, cuda.device_count()) is { } missing) throw new DeviceUnavailableException(missing);
            return new Device(name);
        }
        throw new ArgumentException($"unknown device '{name}'; allowed: cpu, cuda, cuda:N, auto");
    }

    /// <summary>Why <c>cuda:N</c> names none of the <paramref name="count"/> GPUs here, or null (an index it has, or plain
    /// <c>cuda</c>). LibTorch takes any index and fails only when the first tensor goes there, mid-run; checked with the
    /// other devices before anything runs, the input's error (exit 2), as a machine without CUDA is.</summary>
    internal static string? MissingIndex(string name, int count) =>
        name.StartsWith("cuda:", StringComparison.Ordinal)
        && !(int.TryParse(name.AsSpan(5), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var index) && index < count)
            ? $"device '{name}' was asked for but this machine has {count} CUDA device{(count == 1 ? "" : "s")} " +
              $"({(count == 1 ? "cuda:0" : $"cuda:0 to cuda:{count - 1}")}; CUDA_VISIBLE_DEVICES numbers those it shows from 0)"
            : null;
}

/// <summary>A device the input asks for that this machine lacks: said before anything runs, so it is the input's
/// error for this machine (exit 2), not a failed run.</summary>
public sealed class DeviceUnavailableException(string message) : InvalidOperationException(message);
