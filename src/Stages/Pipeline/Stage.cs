using System.Threading.Tasks.Dataflow;

namespace Retention.Pipeline;

/// <summary>
/// Thin adapters that turn a pure function into a Dataflow block with the options this
/// project always wants set on purpose: bounded capacity (the slowest stage sets the pace
/// and memory stays flat), one degree of parallelism (order is preserved), the graph's
/// shared cancellation token, and errors rethrown as <see cref="StageException"/> naming
/// the stage.
/// </summary>
public static class Stage
{
    public const int DefaultCapacity = 64;

    static ExecutionDataflowBlockOptions Options(CancellationToken ct, TaskScheduler? scheduler, int capacity) => new()
    {
        BoundedCapacity = capacity,
        MaxDegreeOfParallelism = 1,
        EnsureOrdered = true,
        CancellationToken = ct,
        TaskScheduler = scheduler ?? TaskScheduler.Default,
    };

    public static TransformBlock<TIn, TOut> Transform<TIn, TOut>(string name, Func<TIn, TOut> f, CancellationToken ct,
        TaskScheduler? scheduler = null, int capacity = DefaultCapacity) =>
        new(x => Named(name, () => f(x)), Options(ct, scheduler, capacity));

    public static TransformManyBlock<TIn, TOut> TransformMany<TIn, TOut>(string name, Func<TIn, IEnumerable<TOut>> f,
        CancellationToken ct, int capacity = DefaultCapacity) =>
        new(x => Named(name, () => f(x).ToList()), Options(ct, null, capacity));

    public static ActionBlock<TIn> Sink<TIn>(string name, Func<TIn, Task> f, CancellationToken ct, int capacity = DefaultCapacity) =>
        new(async x =>
        {
            try { await f(x).ConfigureAwait(false); }
            catch (Exception e) when (e is not StageException and not OperationCanceledException) { throw new StageException(name, e); }
        }, Options(ct, null, capacity));

    /// <summary>Feeds a lazy sequence into the graph, respecting back-pressure and cancellation.</summary>
    public static async Task Feed<T>(string name, IEnumerable<T> items, ITargetBlock<T> target, CancellationToken ct)
    {
        try
        {
            foreach (var item in items)
            {
                if (ct.IsCancellationRequested || !await target.SendAsync(item, ct).ConfigureAwait(false)) break;
            }
            target.Complete();
        }
        catch (OperationCanceledException) { target.Complete(); }
        catch (Exception e) { target.Fault(new StageException(name, e)); }
    }

    /// <summary>Links a → b so that b completes (or faults) when a does.</summary>
    public static ISourceBlock<TOut> Then<TIn, TOut>(this ISourceBlock<TIn> a, IPropagatorBlock<TIn, TOut> b)
    {
        a.LinkTo(b, new DataflowLinkOptions { PropagateCompletion = true });
        return b;
    }

    public static ITargetBlock<T> Then<T>(this ISourceBlock<T> a, ITargetBlock<T> b)
    {
        a.LinkTo(b, new DataflowLinkOptions { PropagateCompletion = true });
        return b;
    }

    static T Named<T>(string name, Func<T> f)
    {
        try { return f(); }
        catch (Exception e) when (e is not StageException and not OperationCanceledException) { throw new StageException(name, e); }
    }
}
