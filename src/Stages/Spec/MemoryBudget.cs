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
    /// <summary>This machine's memory (physical, or a container's limit).</summary>
    public static MemoryBudget ThisMachine()
    {
        long bytes = ResourceEstimate.HostBytes();
        return new(bytes, $"this machine has {ResourceEstimate.GiB(bytes)}");
    }
}
