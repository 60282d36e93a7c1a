namespace Retention.Messages;

/// <summary>A count and its noun as messages say them: "1 step", "300 steps" (--steps 1 printed "1 steps").</summary>
public static class Counted
{
    public static string Of(long n, string noun) => $"{n} {noun}{(n == 1 ? "" : "s")}";
}
