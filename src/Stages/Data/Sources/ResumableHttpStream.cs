using System.Net;
using System.Net.Http.Headers;

namespace Retention.Data;

/// <summary>
/// A forward-only, read-only stream over an HTTP(S) resource that survives broken transfers:
/// when the connection drops, the server answers 5xx/408/429, or nothing arrives within the read
/// timeout, it reconnects with <c>Range: bytes=&lt;offset&gt;-</c> and continues at the exact byte.
/// The body is streamed (never downloaded whole first).
/// </summary>
/// <remarks>
/// <para>A 206 must start at the requested offset (an earlier start is skipped forward, a later
/// one is an error). A 200 to a ranged request means the server ignores Range: the bytes already
/// delivered are read and discarded. A changed ETag, length or (without ETags) Last-Modified between requests is an
/// error, since splicing two versions of a file would corrupt it silently; 401 and 403 end the shard at once with
/// what to do (<see cref="HttpShardAdvice"/>).</para>
/// <para>The work is async so that timeouts can cancel a stalled read; the synchronous
/// <see cref="Read(byte[], int, int)"/> blocks on it, which is safe here because sources are
/// pulled on their own thread with no synchronization context.</para>
/// </remarks>
public sealed class ResumableHttpStream : ReadOnlyStream
{
    private readonly HttpClient _http;
    private readonly Uri _uri;
    private readonly HttpRetryPolicy _policy;
    private readonly Action<string>? _notice;
    private HttpResponseMessage? _response;
    private Stream? _body;
    private long _position;
    private long? _length;
    private EntityTagHeaderValue? _etag;
    private DateTimeOffset? _lastModified;
    private bool _atEnd;
    private int _failures;
    private readonly CancellationToken _stop;

    /// <param name="startOffset">First byte to read (the first request is already ranged).</param>
    /// <param name="notice">Told of each retry (what broke, at which byte, how long until the next attempt): a server
    /// that stays down takes minutes to give up, and a run that waits on it silently looks hung.</param>
    /// <param name="stop">Cancels reads that are given no token of their own (the synchronous <see cref="Read(byte[], int, int)"/>
    /// that a gzip or line reader calls): Ctrl+C during the retries' waits otherwise went unheeded for up to a minute, and the
    /// command then failed with the server's error instead of stopping.</param>
    public ResumableHttpStream(HttpClient http, Uri uri, HttpRetryPolicy? policy = null, long startOffset = 0,
        Action<string>? notice = null, CancellationToken stop = default)
    {
        _stop = stop;
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(uri);
        ArgumentOutOfRangeException.ThrowIfNegative(startOffset);
        _http = http;
        _uri = uri;
        _policy = policy ?? HttpRetryPolicy.Default;
        _position = startOffset;
        _notice = notice;
    }

    /// <summary>Requests sent so far (1 for a transfer that never broke).</summary>
    public int Requests { get; private set; }

    /// <summary>Total length in bytes once a response told it, else null.</summary>
    public long? ResourceLength => _length;

    public override long Position { get => _position; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) =>
        ReadAsync(buffer.AsMemory(offset, count), _stop).AsTask().GetAwaiter().GetResult();

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken ct) =>
        ReadAsync(buffer.AsMemory(offset, count), ct).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default)
    {
        if (buffer.Length == 0) return 0;
        if (!ct.CanBeCanceled) ct = _stop;
        while (true)
        {
            if (_atEnd || _position == _length) return 0;
            try
            {
                if (_body is null)
                {
                    await ConnectAsync(ct).ConfigureAwait(false);
                    if (_atEnd) return 0;
                }
                var n = await WithTimeout(t => _body!.ReadAsync(buffer, t), ct).ConfigureAwait(false);
                if (n > 0)
                {
                    _position += n;
                    _failures = 0;
                    return n;
                }
                // A clean end. With a known length, ending early is a break like any other
                // (HttpClient usually throws for that itself; a close-delimited body does not).
                if (_length is { } length && _position < length)
                    throw new IOException($"the body ended at byte {_position} of {length}");
                _atEnd = true;
                return 0;
            }
            catch (HttpRequestException e) when (e.InnerException is System.Security.Authentication.AuthenticationException tls)
            {
                // A certificate or protocol mismatch does not go away on retry.
                throw Fatal($"the TLS connection failed: {tls.Message}{(tls.InnerException is { } why ? $" ({why.Message})" : "")}");
            }
            catch (Exception e) when (IsTransient(e, ct))
            {
                Disconnect();
                _failures++;
                if (_failures >= _policy.MaxAttempts)
                    throw new ShardReadException(
                        $"{_uri}: giving up at byte {_position}{(_length is { } l ? $" of {l}" : "")} after " +
                        $"{_failures} failed attempts in a row: {What(e)}", e);
                var wait = e is TransientStatusException { RetryAfter: { } after } && after > _policy.Backoff(_failures)
                    ? (after < _policy.MaxDelay ? after : _policy.MaxDelay)
                    : _policy.Backoff(_failures);
                _notice?.Invoke($"{_uri}: {What(e)} at byte {_position}{(_length is { } total ? $" of {total}" : "")}; " +
                    $"retry {_failures} of {_policy.MaxAttempts - 1} in {wait.TotalSeconds:0.###} s");
                await Task.Delay(wait, ct).ConfigureAwait(false);
            }
        }
    }

    private async Task ConnectAsync(CancellationToken ct)
    {
        Requests++;
        using var request = new HttpRequestMessage(HttpMethod.Get, _uri);
        // Byte offsets must be offsets into the file as stored, never into a re-encoding of it.
        request.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue("identity"));
        if (_position > 0) request.Headers.Range = new RangeHeaderValue(_position, null);
        var response = await WithTimeout(
            t => _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, t), ct).ConfigureAwait(false);
        try
        {
            long skip = 0;
            var status = (int)response.StatusCode;
            if (response.StatusCode == HttpStatusCode.RequestedRangeNotSatisfiable && _position > 0
                && (response.Content.Headers.ContentRange?.Length ?? _length) == _position)
            {
                _atEnd = true; // resumed exactly at the end
                response.Dispose();
                return;
            }
            if (status >= 500 || status is 408 or 429)
                throw new TransientStatusException(status, response.Headers.RetryAfter?.Delta);
            if (response.StatusCode == HttpStatusCode.PartialContent)
            {
                var range = response.Content.Headers.ContentRange;
                var from = range?.From ?? throw Fatal("206 without a Content-Range");
                if (from > _position) throw Fatal($"asked for bytes from {_position}, got a range from {from}");
                skip = _position - from;
                CheckSameResource(response, range.Length);
            }
            else if (response.StatusCode == HttpStatusCode.OK)
            {
                skip = _position; // Range ignored: the whole resource again
                CheckSameResource(response, response.Content.Headers.ContentLength);
            }
            else if (status is 404 or 410 && _position == 0)
            {
                throw new ShardReadException($"{_uri}: HTTP {status} {response.ReasonPhrase}", missing: true);
            }
            else if (status is 401 or 403)
            {
                throw new ShardReadException(HttpShardAdvice.Refused(_uri, status, response.ReasonPhrase, _position));
            }
            else
            {
                throw Fatal($"HTTP {status} {response.ReasonPhrase}");
            }
            _etag ??= response.Headers.ETag;
            _lastModified ??= response.Content.Headers.LastModified;
            _response = response;
            _body = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
            if (skip > 0) await SkipAsync(skip, ct).ConfigureAwait(false);
        }
        catch
        {
            if (!ReferenceEquals(_response, response)) response.Dispose();
            throw;
        }
    }

    private void CheckSameResource(HttpResponseMessage response, long? length)
    {
        if (length is { } l)
        {
            if (_length is { } known && known != l) throw Changed($"the length changed from {known} to {l}");
            _length = l;
        }
        var etag = response.Headers.ETag;
        if (_etag is not null && etag is not null && !_etag.Equals(etag))
            throw Changed($"the ETag changed from {_etag} to {etag}");
        // Static servers without ETags still send Last-Modified. Only when neither answer has an ETag: where both do and
        // they agree, the file is the same whatever a second clock says.
        var modified = response.Content.Headers.LastModified;
        if ((_etag is null || etag is null) && _lastModified is { } before && modified is { } now && before != now)
            throw Changed($"the Last-Modified date changed from {before:R} to {now:R}");
    }

    private ShardReadException Changed(string what) => new(HttpShardAdvice.Changed(_uri, what, _position));

    private async Task SkipAsync(long count, CancellationToken ct)
    {
        var scratch = new byte[(int)Math.Min(count, 81920)];
        while (count > 0)
        {
            var n = await WithTimeout(t => _body!.ReadAsync(scratch.AsMemory(0, (int)Math.Min(count, scratch.Length)), t), ct)
                .ConfigureAwait(false);
            if (n == 0) throw new IOException($"the body ended while skipping to byte {_position}");
            count -= n;
        }
    }

    private async Task<T> WithTimeout<T>(Func<CancellationToken, Task<T>> op, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(_policy.ReadTimeout);
        try
        {
            return await op(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new TimeoutException($"nothing received for {_policy.ReadTimeout.TotalSeconds:0.###} s");
        }
    }

    private Task<T> WithTimeout<T>(Func<CancellationToken, ValueTask<T>> op, CancellationToken ct) =>
        WithTimeout(t => op(t).AsTask(), ct);

    private static bool IsTransient(Exception e, CancellationToken ct) =>
        !ct.IsCancellationRequested && e is TransientStatusException or TimeoutException or HttpRequestException
            or IOException and not ShardReadException;

    /// <summary>HttpClient's "see the inner exception" messages with the inner one's, which says what happened.</summary>
    private static string What(Exception e) =>
        e is HttpRequestException { InnerException: { } inner } ? $"{e.Message} ({inner.Message})" : e.Message;

    private ShardReadException Fatal(string what) =>
        new($"{_uri}: {what} (at byte {_position})");

    private void Disconnect()
    {
        _body?.Dispose();
        _response?.Dispose();
        _body = null;
        _response = null;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) Disconnect();
        base.Dispose(disposing);
    }


    /// <summary>A default client for shards: no automatic decompression (offsets are file
    /// offsets), no overall timeout (the stream times each read itself), connections recycled
    /// every few minutes so DNS changes are seen.</summary>
    public static HttpClient CreateClient() => new(new SocketsHttpHandler
    {
        AutomaticDecompression = DecompressionMethods.None,
        ConnectTimeout = TimeSpan.FromSeconds(30),
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
    })
    { Timeout = Timeout.InfiniteTimeSpan };

    private sealed class TransientStatusException(int status, TimeSpan? retryAfter)
        : Exception($"HTTP {status}")
    {
        public TimeSpan? RetryAfter { get; } = retryAfter;
    }
}
