namespace Retention.Pipeline;

/// <summary>
/// Keeps threads of the shared pool free beside work that holds pool threads for long stretches. The pool starts with one
/// thread per core and adds more only when its starvation detector fires (about two a second). Tokenizer workers, one per
/// core, hold all of them while documents wait, so the Dataflow task that hands their output on waited for that detector:
/// an OLMo run's first batch came 1.3 s late on 2 cores, with 257 documents tokenized for a 5-step run that needed one
/// (measured; with the minimum raised it came at once).
/// </summary>
public static class ThreadPoolHeadroom
{
    private static readonly object Gate = new();

    /// <summary>Raises the pool's minimum of worker threads (never lowers it) so that <paramref name="busy"/> threads held
    /// by one block leave a core's worth, and a few for hand-overs and blocked consumers, free at once.</summary>
    public static void Reserve(int busy)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(busy);
        lock (Gate)
        {
            ThreadPool.GetMinThreads(out var workers, out var io);
            var wanted = Environment.ProcessorCount + busy + 4;
            if (workers < wanted) ThreadPool.SetMinThreads(wanted, io);
        }
    }
}
