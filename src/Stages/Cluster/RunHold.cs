using Retention.Pipeline;

namespace Retention.Cluster;

/// <summary>How one run stood while `pipeline status` looked at it: its status.json, and whether a process held it (its own
/// lock, or the sweep's for training). Read so that a run ending or starting meanwhile is never taken for one left interrupted.</summary>
/// <param name="Ended">The status.json read (null: the run had not ended).</param>
/// <param name="Held">A process held the run at some moment of the observation.</param>
/// <param name="Earlier">An earlier attempt's end, read while a process held the run that took it up after that end was
/// written (<see cref="StartedAgain"/>): not the run's end, <paramref name="Ended"/> is null.</param>
public sealed record RunHold(RunStatus? Ended, bool Held, RunStatus? Earlier = null)
{
    /// <summary>This observation, with an end read while the run was held taken for the earlier attempt's when it was
    /// written before the holder took its lock (<paramref name="holderSince"/>: when its line beside the lock was written;
    /// null where a lock was held without one, a holder between taking it and writing its line). Such a holder trains
    /// the run again (`run --resume` and a cluster task retrain every run not completed; a `run` without it, all) and
    /// removes that end only once its preparation is done (a data run fingerprints its data first, seconds to minutes),
    /// so shown as the run's end it would read as final. A completed end is kept: a resume skips that run. An end written
    /// since the holder took the lock is its own, shown as it is.</summary>
    /// <param name="endWritten">When the status.json read was written (the file system's clock, as the holder's line).</param>
    public RunHold StartedAgain(DateTime endWritten, DateTime? holderSince) =>
        Held && Ended is { } end && end.State != "completed" && (holderSince is not { } since || endWritten < since)
            ? new(null, true, end)
            : this;


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
