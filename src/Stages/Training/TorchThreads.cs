namespace Retention.Training;

/// <summary>
/// LibTorch's intra-op thread count for this process. Its OpenMP threads spin while waiting,
/// so on a machine whose cores are busy with anything else (another run, a build) a run using
/// all cores slows down many times over; small synthetic problems are also faster on one.
/// </summary>
public static class TorchThreads
{
    /// <summary>Loads LibTorch (<see cref="TorchLoading.Load"/>) and sets its thread count; 0 keeps LibTorch's default
    /// (one per core). What every command that trains or probes does first.</summary>
    public static void Apply(int threads)
    {
        if (threads < 0) throw new ArgumentException($"--threads must be ≥ 0, got {threads}");
        TorchLoading.Load();
        if (threads > 0) TorchSharp.torch.set_num_threads(threads);
    }
}
