namespace Retention.Data;

/// <summary>
/// How <see cref="ResumableHttpStream"/> retries. Attempts are counted in a row without progress:
/// a transfer that drops every few hundred KB but always moves forward never runs out of
/// attempts, while a server that stays down fails after about the sum of the backoffs.
/// </summary>
public sealed record HttpRetryPolicy
{
    /// <summary>Failed attempts in a row (no new byte received) before giving up.</summary>
    public int MaxAttempts { get; init; } = 8;
    /// <summary>Wait after the first failure; doubled after each further one, up to <see cref="MaxDelay"/>.</summary>
    public TimeSpan InitialDelay { get; init; } = TimeSpan.FromSeconds(0.5);
    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(30);
    /// <summary>Longest wait for response headers or for any bytes of the body; a stalled
    /// connection is then dropped and resumed like a broken one.</summary>
    public TimeSpan ReadTimeout { get; init; } = TimeSpan.FromSeconds(60);

    public static HttpRetryPolicy Default { get; } = new();

    /// <summary>The wait before the retry that follows the <paramref name="failures"/>-th failure in a row
    /// (no jitter: one reader per shard, so there is no herd to spread, and tests stay predictable).</summary>
    public TimeSpan Backoff(int failures)
    {
        var ticks = InitialDelay.Ticks * Math.Pow(2, Math.Max(0, failures - 1));
        return TimeSpan.FromTicks((long)Math.Min(ticks, MaxDelay.Ticks));
    }
}

/// <summary>An HTTP shard could not be read: a non-retryable status, or the retries ran out.
/// The message names the URL and the byte offset reached.</summary>
/// <param name="missing">The server says the shard is not there (404 or 410 before any byte): a data-quality
/// issue (<see cref="DataQualityReasons.MissingShard"/>) rather than a failure of the connection.</param>
public sealed class ShardReadException(string message, Exception? inner = null, bool missing = false) : IOException(message, inner)
{
    public bool Missing { get; } = missing;
}
