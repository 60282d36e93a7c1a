using Retention.Pipeline;

namespace Retention.Cluster;

/// <summary>How one run stood while `pipeline status` looked at it: its status.json, and whether a process held it (its own
/// lock, or the sweep's for training). Read so that a run ending or starting meanwhile is never taken for one left interrupted.</summary>
/// <param name="Ended">The status.json read (null: the run had not ended).</param>
/// <param name="Held">A process held the run at some moment of the observation.</param>
public sealed record RunHold(RunStatus? Ended, bool Held)
{
    /// <summary>The run's lock probed, its status.json read, the lock probed again, and the file read once more where that
    /// alone can tell. A training process removes status.json as it starts and writes it before its lock goes, so:
    /// <list type="bullet">
    /// <item>Held at either probe: a file without an end was read while a process trained the run (a holder at the first
    /// probe that had ended by the read would have written its end; one at the second had started). An end read is shown
    /// as an end: written by a holder that ended before the read (or an earlier attempt's, not yet removed by one starting).</item>
    /// <item>Held at neither, an end read: the run's end, as the file said at the read.</item>
    /// <item>Held at neither, no end read: nothing held the run throughout (it was left interrupted, or never started), or an
    /// attempt started and ended between the probes, having written its end before the second: <paramref name="readAgain"/>,
    /// called only here and after the second probe, reads that end. Still none: no holder at the second probe and no end
    /// then, so the run was left without one (wrong only if two attempts of the run started within this one look).</item>
    /// </list>
    /// Reading first and probing after (as `status` did) took a run that ended between the two for one that died without a word.</summary>
    public static RunHold Of(bool heldBefore, RunStatus? read, bool heldAfter, Func<RunStatus?> readAgain) =>
        heldBefore || heldAfter ? new(read, true)
        : read is not null ? new(read, false)
        : new(readAgain(), false);
}
