namespace Retention.Messages;

/// <summary>A count and its noun as messages say them: "1 step", "300 steps" (--steps 1 printed "1 steps").</summary>
public static class Counted
{
    /// <param name="format">How the count is written ("N0": "4,000 steps"); as interpolation writes it when null.</param>
    public static string Of(long n, string noun, string? format = null) => $"{n.ToString(format)} {noun}{(n == 1 ? "" : "s")}";
}
