namespace Retention.Training;

/// <summary>
/// Where a step sits relative to the injections of a gapped schedule (injections at steps G, 2G, …),
/// for dense measurements around them — shared by the synthetic experiment's dense logging and the
/// OLMo injection probes: "before" (the step just before an injection), "after" (the injection step
/// itself: measured after its update), "between" (1, 2, 4, … steps after an injection), or null.
/// </summary>
public static class InjectionPhases
{
    /// <summary>Dense measurements need room between injections; below this gap they are off.</summary>
    public const long MinDenseGap = 8;

    /// <remarks>Steps before the first injection's "before" step (G − 1) have none: no injection has happened yet.</remarks>
    public static string? Phase(long gap, long step)
    {
        if (gap < MinDenseGap || step < gap - 1) return null;
        long offset = step % gap;
        if (offset == 0) return "after";
        if (offset == gap - 1) return "before";
        return (offset & (offset - 1)) == 0 ? "between" : null;
    }

    /// <summary>Steps since the last injection at or before <paramref name="step"/> (−1 for "before": one step to the next).</summary>
    public static long StepsSince(long gap, long step) => step % gap == gap - 1 ? -1 : step % gap;

    /// <summary>The injection a dense step belongs to: the one it precedes ("before") or the last one at or before it.</summary>
    public static long Injection(long gap, long step) => step % gap == gap - 1 ? step / gap + 1 : step / gap;
}
