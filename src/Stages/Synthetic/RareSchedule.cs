using Retention.Spec;

namespace Retention.Synthetic;

/// <summary>
/// When and how much of the rare task a run sees. Injections happen at steps G, 2G, ...; the
/// rows injected at step s bring the cumulative rare count to R(s) = floor(rho·B·s) with
/// rho = pi_r / (1 − pi_r), so after any injection the rare fraction of all rows seen,
/// R / (s·B + R), equals pi_r up to one row, for every G: frequency is matched exactly across gaps.
/// </summary>
public static class RareSchedule
{
    /// <summary>Rare rows in the batch of step s (1-based).</summary>
    public static int InjectedAt(RareSpec? rare, int batchSize, long step) =>
        rare is null || step % rare.Gap != 0 ? 0 : checked((int)(Cumulative(rare, batchSize, step) - Cumulative(rare, batchSize, step - rare.Gap)));

    /// <summary>Rare rows seen up to and including step s.</summary>
    public static long Cumulative(RareSpec? rare, int batchSize, long step)
    {
        if (rare is null || step <= 0) return 0;
        long lastInjection = step / rare.Gap * rare.Gap;
        double rho = rare.Frequency / (1 - rare.Frequency);
        // The epsilon absorbs binary rounding of products that are integers in exact arithmetic.
        return (long)Math.Floor(rho * batchSize * lastInjection + 1e-9);
    }

    /// <summary>Dense logging needs room between injections; below this gap it is off.</summary>
    public const long MinDenseGap = Training.InjectionPhases.MinDenseGap;

    /// <summary>The step's phase around the rare task's injections (see <see cref="Training.InjectionPhases"/>), or null.</summary>
    public static string? Phase(RareSpec? rare, long step) =>
        rare is not { DenseLogging: true } ? null : Training.InjectionPhases.Phase(rare.Gap, step);

    /// <summary>Index of the last injection at or before a step (0 before the first one).</summary>
    public static long InjectionIndex(RareSpec? rare, long step) => rare is null ? 0 : step / rare.Gap;
}
