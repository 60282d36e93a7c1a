namespace Retention.Pipeline;

/// <summary>
/// The first error of a graph's stages. Stages never fault their Dataflow blocks (a faulted
/// block drops what it has buffered, and so does every block downstream of it): a failing
/// stage records its error here and passes nothing on, the feed stops, and everything
/// already produced drains into the writers before the error is rethrown.
/// </summary>
public sealed class FirstFailure : IDisposable
{
    readonly CancellationTokenSource cancelled = new();
    StageException? error;

    /// <summary>Cancelled once any stage has failed: the feed watches it.</summary>
    public CancellationToken Token => cancelled.Token;

    public StageException? Error => Volatile.Read(ref error);

    public void Record(StageException e)
    {
        if (Interlocked.CompareExchange(ref error, e, null) is null) cancelled.Cancel();
    }

    public void ThrowIfFailed()
    {
        if (Error is { } e) throw e;
    }

    public void Dispose() => cancelled.Dispose();
}
