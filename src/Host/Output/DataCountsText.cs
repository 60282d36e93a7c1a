using System.Globalization;
using Retention.Pipeline;

namespace Retention.Host.Output;

/// <summary>A data run's counts on its progress and end lines: "documents 1,204 tokens 98,560 (51,200 tokens/s)",
/// in the "name value" form of a training run's "loss 2.655"; digits grouped, as token counts run to billions.</summary>
public static class DataCountsText
{
    /// <param name="tokensPerSecond">Null while unknown (the first step) and on a run's end line: then left out.</param>
    public static string Of(DataCounts counts, double? tokensPerSecond = null) =>
        $"documents {Grouped(counts.Documents)} tokens {Grouped(counts.Tokens)}" +
        (tokensPerSecond is { } rate ? $" ({Grouped((long)Math.Round(rate))} tokens/s)" : "");

    static string Grouped(long n) => n.ToString("N0", CultureInfo.InvariantCulture);
}
