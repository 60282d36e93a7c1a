using Retention.Artifacts;

namespace Retention.Pipeline;

/// <summary>
/// Where a resumed run's train.arrow <c>elapsed_s</c> continues from, so that the column counts the run's wall time
/// across its attempts instead of starting again at 0 with each one.
/// </summary>
/// <remarks>
/// Taken from the table, not stored in the checkpoint: the last row the resume keeps (at or below the checkpoint's
/// step) holds the time the run had spent up to it, and checkpoints that older versions wrote resume the same way.
/// The wall time of the steps between that row and the checkpoint (fewer than train.log_every) is not counted.
/// </remarks>
static class ResumedClock
{
    /// <summary>The largest <c>elapsed_s</c> among the rows of <paramref name="trainTable"/> at or below
    /// <paramref name="upToStep"/>; zero when none is kept. Called after the table's writer resumed (which checked its columns).</summary>
    public static TimeSpan Of(string trainTable, long upToStep) =>
        TimeSpan.FromSeconds(ArrowParts.KeptValues(trainTable, upToStep, "elapsed_s").DefaultIfEmpty(0).Max());
}
