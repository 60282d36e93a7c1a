using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Retention.Tests.Data;

/// <summary>What one request asked for (as the server saw it).</summary>
sealed record HttpRequestSeen(int Number, string Path, long? RangeStart);

/// <summary>How the server answers one request.</summary>
abstract record HttpReply
{
    /// <summary>The file (or its range). <paramref name="DropAfter"/>: close the connection after
    /// that many body bytes (with a TCP reset when <paramref name="Reset"/>). <paramref name="StallAfter"/>:
    /// send that many bytes, then nothing until the server stops. <paramref name="IgnoreRange"/>:
    /// answer 200 with the whole file, as servers without Range support do. <paramref name="ETag"/>: the
    /// entity tag sent (null: none). <paramref name="Replaced"/>: serve these bytes instead of the file, as
    /// a server does after the file was replaced between two requests. <paramref name="LastModified"/>: the Last-Modified
    /// date sent (null: none). <paramref name="Trickle"/>: the body sent in 256-byte pieces this far apart, as a slow server
    /// sends it (a reader then keeps making progress for a while).</summary>
    public sealed record Serve(long? DropAfter = null, bool Reset = false, long? StallAfter = null, bool IgnoreRange = false,
        string? ETag = "\"v1\"", byte[]? Replaced = null, DateTimeOffset? LastModified = null, TimeSpan? Trickle = null) : HttpReply;
    /// <summary>An error status, with a Retry-After of <paramref name="RetryAfterSeconds"/> where given (a client honouring it
    /// waits that long, longer than its own backoff).</summary>
    public sealed record Status(int Code, int? RetryAfterSeconds = null) : HttpReply;
    public static readonly HttpReply Normal = new Serve();
}

/// <summary>
/// A minimal HTTP/1.1 file server on 127.0.0.1 (ephemeral port) with Range support and
/// scriptable failures, one request per connection. Bounded: at most <c>maxRequests</c>
/// requests are answered (later ones get 503), and disposing stops every handler.
/// </summary>
sealed class LoopbackHttpServer : IAsyncDisposable
{
    private readonly IReadOnlyDictionary<string, byte[]> _files;
    private readonly Func<HttpRequestSeen, HttpReply> _reply;
    private readonly int _maxRequests;
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _handlers = [];
    private readonly List<HttpRequestSeen> _seen = [];
    private readonly Task _acceptLoop;
    private int _count;

    public LoopbackHttpServer(IReadOnlyDictionary<string, byte[]> files, Func<HttpRequestSeen, HttpReply>? reply = null,
        int maxRequests = 2000)
    {
        _files = files;
        _reply = reply ?? (_ => HttpReply.Normal);
        _maxRequests = maxRequests;
        _listener.Start();
        _acceptLoop = Task.Run(AcceptLoop);
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public string Url(string name) => $"http://127.0.0.1:{Port}/{name}";

    public IReadOnlyList<HttpRequestSeen> Requests { get { lock (_seen) return [.. _seen]; } }

    private async Task AcceptLoop()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try { client = await _listener.AcceptTcpClientAsync(_stop.Token); }
            catch (Exception) { return; }
            lock (_handlers) _handlers.Add(Task.Run(() => Handle(client)));
        }
    }

    private async Task Handle(TcpClient client)
    {
        using var _ = client;
        var ct = _stop.Token;
        try
        {
            var stream = client.GetStream();
            var head = await ReadHead(stream, ct);
            if (head is null) return;
            var lines = head.Split("\r\n");
            var path = Uri.UnescapeDataString(lines[0].Split(' ')[1].TrimStart('/'));
            long? rangeStart = null;
            foreach (var line in lines.Skip(1))
                if (line.StartsWith("Range:", StringComparison.OrdinalIgnoreCase))
                    rangeStart = long.Parse(line[(line.IndexOf('=') + 1)..].Split('-')[0]);
            var number = Interlocked.Increment(ref _count);
            var request = new HttpRequestSeen(number, path, rangeStart);
            lock (_seen) _seen.Add(request);
            var reply = number > _maxRequests ? new HttpReply.Status(503) : _reply(request);
            if (reply is HttpReply.Status s || !_files.ContainsKey(path))
            {
                var code = reply is HttpReply.Status st ? st.Code : 404;
                var retryAfter = reply is HttpReply.Status { RetryAfterSeconds: { } after } ? $"Retry-After: {after}\r\n" : "";
                await Write(stream, $"HTTP/1.1 {code} Scripted\r\n{retryAfter}Content-Length: 0\r\nConnection: close\r\n\r\n", ct);
                return;
            }
            var serve = (HttpReply.Serve)reply;
            var file = serve.Replaced ?? _files[path];
            var start = serve.IgnoreRange ? 0 : rangeStart ?? 0;
            if (start >= file.Length && rangeStart is not null && !serve.IgnoreRange)
            {
                await Write(stream, $"HTTP/1.1 416 Range Not Satisfiable\r\nContent-Range: bytes */{file.Length}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n", ct);
                return;
            }
            var partial = rangeStart is not null && !serve.IgnoreRange;
            var header = new StringBuilder(partial ? "HTTP/1.1 206 Partial Content\r\n" : "HTTP/1.1 200 OK\r\n")
                .Append($"Content-Length: {file.Length - start}\r\n")
                .Append(partial ? $"Content-Range: bytes {start}-{file.Length - 1}/{file.Length}\r\n" : "")
                .Append(serve.ETag is null ? "" : $"ETag: {serve.ETag}\r\n")
                .Append(serve.LastModified is { } modified ? $"Last-Modified: {modified:R}\r\n" : "")
                .Append("Accept-Ranges: bytes\r\nConnection: close\r\n\r\n");
            await Write(stream, header.ToString(), ct);
            var end = file.Length;
            if (serve.DropAfter is { } drop) end = (int)Math.Min(end, start + drop);
            if (serve.StallAfter is { } stall) end = (int)Math.Min(end, start + stall);
            if (serve.Trickle is { } pause)
                for (var at = (int)start; at < end; at += 256)
                {
                    await stream.WriteAsync(file.AsMemory(at, Math.Min(256, (int)end - at)), ct);
                    await stream.FlushAsync(ct);
                    await Task.Delay(pause, ct);
                }
            else
                await stream.WriteAsync(file.AsMemory((int)start, (int)(end - start)), ct);
            await stream.FlushAsync(ct);
            if (serve.StallAfter is not null && end < file.Length) await Task.Delay(Timeout.Infinite, ct);
            if (serve.Reset && end < file.Length) client.Client.LingerState = new LingerOption(true, 0);
        }
        catch (Exception) { /* the client went away, or the server is stopping */ }
    }

    private static async Task<string?> ReadHead(NetworkStream stream, CancellationToken ct)
    {
        var buffer = new byte[16384];
        var used = 0;
        while (used < buffer.Length)
        {
            var n = await stream.ReadAsync(buffer.AsMemory(used), ct);
            if (n == 0) return null;
            used += n;
            var text = Encoding.ASCII.GetString(buffer, 0, used);
            var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            if (end >= 0) return text[..end];
        }
        return null;
    }

    private static Task Write(NetworkStream stream, string text, CancellationToken ct) =>
        stream.WriteAsync(Encoding.ASCII.GetBytes(text), ct).AsTask();

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        await _acceptLoop;
        Task[] handlers;
        lock (_handlers) handlers = [.. _handlers];
        await Task.WhenAny(Task.WhenAll(handlers), Task.Delay(5000));
        _stop.Dispose();
    }
}
