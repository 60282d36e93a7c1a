namespace Retention.Spec;

/// <summary>
/// What a CPU run's memory estimate is checked against, and how a refusal says it: this machine's memory where the runs
/// train here (`run`, `validate`), or what a Slurm task asks for (`submit --mem`), since the login node that submits is
/// not the compute node that trains.
/// </summary>
/// <param name="Bytes">The memory a run may use.</param>
/// <param name="Has">Said after the estimate: "this machine has 7.6 GiB".</param>
/// <param name="Or">Said first among the ways out: "give a larger --mem, or "; empty where there is none but the spec.</param>
public sealed record MemoryBudget(long Bytes, string Has, string Or = "")
{
    /// <summary>Whether `device: auto` trains on the CPU under this budget, asked only of a run on auto that reaches the
    /// check (it loads LibTorch); null where that is not known: `validate` needs no LibTorch, `submit`'s nodes pick.</summary>
    public Func<bool>? AutoOnCpu { get; init; }

    /// <summary>Whether a run on <paramref name="device"/> trains in this memory: on the CPU, or on `auto` that picks it.</summary>
    public bool Holds(string device) => device == "cpu" || device == "auto" && AutoOnCpu?.Invoke() == true;

    /// <summary>Said after an estimate for a run on `auto`: why it is held to this memory.</summary>
    public string AutoOnCpuSaid { get; init; } = " on the CPU (device: auto found no GPU here)";

    /// <summary>Said after an estimate for a run on <paramref name="device"/>: why an `auto` one is held to this memory.</summary>
    public string OnCpu(string device) => device == "auto" ? AutoOnCpuSaid : "";

    /// <summary>This machine's memory (physical, or a container's limit).</summary>
    public static MemoryBudget ThisMachine()
    {
        long bytes = ResourceEstimate.HostBytes();
        return new(bytes, $"this machine has {ResourceEstimate.GiB(bytes)}");
    }

    /// <summary>This machine's memory where its runs train now (`run`): an `auto` run is checked as a CPU one when LibTorch,
    /// loaded then, finds no GPU; an `auto` run that lands on the CPU had no check at all.</summary>
    public static MemoryBudget ForTrainingHere() => ThisMachine() with
    {
        AutoOnCpu = () =>
        {
            Training.TorchLoading.Load();   // its trace kept off stdout, as when the run loads it
            return Training.Devices.IsCpu("auto");
        },
    };
}
