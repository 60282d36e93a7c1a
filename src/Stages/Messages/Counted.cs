namespace Retention.Messages;

/// <summary>A count and its noun as messages say them: "1 step", "300 steps" (--steps 1 printed "1 steps").</summary>
public static class Counted
{
    /// <param name="format">How the count is written ("N0": "4,000 steps"); as interpolation writes it when null.</param>
    /// <param name="plural">The noun for any count but 1 where adding "s" misspells it ("micro-batches", "passes").</param>
    public static string Of(long n, string noun, string? format = null, string? plural = null) =>
        $"{n.ToString(format)} {Noun(noun, n == 1, plural)}";

    /// <summary>A whole count past a long's range (an injection's instances, counted in decimal), written as digits alone.</summary>
    public static string Of(decimal n, string noun) => FormattableString.Invariant($"{n:0} {Noun(noun, n == 1, null)}");

    static string Noun(string noun, bool one, string? plural) => one ? noun : plural ?? noun + "s";
}
