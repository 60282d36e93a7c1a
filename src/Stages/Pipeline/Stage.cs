using System.Threading.Tasks.Dataflow;

namespace Retention.Pipeline;

/// <summary>
/// Thin adapters that turn a pure function into a Dataflow block with the options this
/// project always wants set on purpose: bounded capacity (the slowest stage sets the pace
/// and memory stays flat), one degree of parallelism (order is preserved), completion
/// propagated along links, and errors recorded in the graph's <see cref="FirstFailure"/> as a
/// <see cref="StageException"/> naming the stage. A stage that has failed passes nothing on
/// and ignores what still arrives, so the graph drains and completes.
/// </summary>
public static class Stage
{
    public const int DefaultCapacity = 64;

    static ExecutionDataflowBlockOptions Options(TaskScheduler? scheduler, int capacity) => new()
    {
        BoundedCapacity = capacity,
        MaxDegreeOfParallelism = 1,
        EnsureOrdered = true,
        TaskScheduler = scheduler ?? TaskScheduler.Default,
    };

    /// <param name="endsRun">Why an output is the run's last, or null: e.g. a step whose loss diverged. That output
    /// still passes on (its rows are written, the evidence of what went wrong), then the stage fails with the reason
    /// and takes nothing more.</param>
    public static IPropagatorBlock<TIn, TOut> Transform<TIn, TOut>(string name, Func<TIn, TOut> f, FirstFailure failure,
        TaskScheduler? scheduler = null, int capacity = DefaultCapacity, Func<TOut, Exception?>? endsRun = null)
    {
        bool failed = false;
        return new TransformManyBlock<TIn, TOut>(x =>
        {
            if (failed) return [];
            try
            {
                var output = f(x);
                if (endsRun?.Invoke(output) is { } reason) { failed = true; failure.Record(Named(name, reason)); }
                return [output];
            }
            catch (Exception e) { failed = true; failure.Record(Named(name, e)); return []; }
        }, Options(scheduler, capacity));
    }

    public static IPropagatorBlock<TIn, TOut> TransformMany<TIn, TOut>(string name, Func<TIn, IEnumerable<TOut>> f,
        FirstFailure failure, int capacity = DefaultCapacity)
    {
        bool failed = false;
        return new TransformManyBlock<TIn, TOut>(x =>
        {
            if (failed) return [];
            try { return f(x).ToList(); }
            catch (Exception e) { failed = true; failure.Record(Named(name, e)); return []; }
        }, Options(null, capacity));
    }

    public static ITargetBlock<TIn> Sink<TIn>(string name, Func<TIn, Task> f, FirstFailure failure, int capacity = DefaultCapacity)
    {
        bool failed = false;
        return new ActionBlock<TIn>(async x =>
        {
            if (failed) return;
            try { await f(x).ConfigureAwait(false); }
            catch (Exception e) { failed = true; failure.Record(Named(name, e)); }
        }, Options(null, capacity));
    }

    /// <summary>
    /// Feeds a lazy sequence into the graph with back-pressure; stops early when the caller's
    /// token is cancelled (Ctrl+C) or a stage fails, and completes the target either way.
    /// </summary>
    public static async Task Feed<T>(string name, IEnumerable<T> items, ITargetBlock<T> target, FirstFailure failure,
        CancellationToken stop)
    {
        using var either = CancellationTokenSource.CreateLinkedTokenSource(stop, failure.Token);
        try
        {
            foreach (var item in items)
                if (either.IsCancellationRequested || !await target.SendAsync(item, either.Token).ConfigureAwait(false)) break;
        }
        catch (OperationCanceledException) { }
        catch (Exception e) { failure.Record(Named(name, e)); }
        target.Complete();
    }

    /// <summary>Links a → b so that b completes when a does.</summary>
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

    static StageException Named(string name, Exception e) => e as StageException ?? new StageException(name, e);
}
