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
    private static int _held;

    /// <summary>Counts <paramref name="busy"/> pool threads as held until the result is disposed, and raises the pool's
    /// minimum of worker threads (never lowers it) so that all the threads held at once, by every block that holds some
    /// (runs side by side hold theirs together), leave a core's worth, and a few for hand-overs and blocked consumers, free.</summary>
    public static IDisposable Reserve(int busy)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(busy);
        lock (Gate)
        {
            _held += busy;
            ThreadPool.GetMinThreads(out var workers, out var io);
            var wanted = Environment.ProcessorCount + _held + 4;
            if (workers < wanted) ThreadPool.SetMinThreads(wanted, io);
        }
        return new Release(busy);
    }

    private sealed class Release(int busy) : IDisposable
    {
        private int _busy = busy;

        // Only the count: threads the pool made stay until idle, and a lower minimum would bring the wait back for the rest.
        public void Dispose()
        {
            var busy = Interlocked.Exchange(ref _busy, 0);
            lock (Gate) _held -= busy;
        }
    }
}
