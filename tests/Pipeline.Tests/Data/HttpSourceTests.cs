using Retention.Data;
using Retention.Tests.Artifacts;

namespace Retention.Tests.Data;

/// <summary>Issue item 6: shards served over loopback HTTP, by servers that break in the ways real ones do.</summary>
public class HttpSourceTests
{
    private static readonly HttpRetryPolicy FastRetry = new()
    {
        MaxAttempts = 5, InitialDelay = TimeSpan.FromMilliseconds(5), MaxDelay = TimeSpan.FromMilliseconds(40),
        ReadTimeout = TimeSpan.FromSeconds(10),
    };

    /// <summary>Two gzip shards of about 0.9 MB each (random text barely compresses).</summary>
    private static (Dictionary<string, byte[]> Files, List<string> Ids) Shards()
    {
        var files = new Dictionary<string, byte[]>();
        var ids = new List<string>();
        for (var s = 0; s < 2; s++)
        {
            var docs = DataFiles.Docs($"h{s}", 1500, textLength: 750, seed: 100 + s);
            files[$"shard-{s}.json.gz"] = DataFiles.Gzip(DataFiles.Bytes(DataFiles.Lines(docs)));
            ids.AddRange(docs.Select(d => d.Id));
        }
        return (files, ids);
    }

    private static List<Document> ReadAll(LoopbackHttpServer server, IEnumerable<string> names, DataQualityLog log,
        HttpRetryPolicy? retry = null, SourceCursor? from = null, int take = int.MaxValue)
    {
        using var http = ResumableHttpStream.CreateClient();
        var source = DataFiles.Source(names.Select(server.Url), log, reader: new ShardReader(http, retry ?? FastRetry));
        return [.. source.Read(from).Take(take).Select(d => d.Document)];
    }

    /// <summary>A stop (Ctrl+C) during a retry wait longer than the bound ends the read at once, as a gzip or line reader reads
    /// the shard: synchronously, with no token of its own (the stream's stop). `data tokenize` and a run cannot show it from
    /// outside (their tokenizer leaves a feeder inside its source after a stop and the process ends), so it is checked here.</summary>
    [Fact(Timeout = 60_000)]
    public async Task A_stop_during_a_long_retry_wait_ends_a_read_without_a_token_of_its_own_at_once()
    {
        var files = new Dictionary<string, byte[]> { ["s.json.gz"] = DataFiles.Gzip(DataFiles.Bytes(DataFiles.Lines(DataFiles.Docs("h", 5)))) };
        // Every answer asks for a 30 s wait (Retry-After), which the stream honours from the first retry.
        await using var server = new LoopbackHttpServer(files, _ => new HttpReply.Status(503, RetryAfterSeconds: 30));
        using var http = ResumableHttpStream.CreateClient();
        using var stop = new CancellationTokenSource();
        var waiting = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var stream = new ResumableHttpStream(http, new Uri(server.Url("s.json.gz")), HttpRetryPolicy.Default,
            notice: n => waiting.TrySetResult(n), stop: stop.Token);

        var read = Task.Run(() => stream.Read(new byte[64], 0, 64));
        Assert.EndsWith("retry 1 of 7 in 30 s", await waiting.Task.WaitAsync(TimeSpan.FromSeconds(30)));
        var clock = System.Diagnostics.Stopwatch.StartNew();
        stop.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => read);
        // Moments; a wait that ignored the stop ends after its 30 s.
        Assert.InRange(clock.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(5));
        Assert.Single(server.Requests);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_healthy_server_streams_each_shard_in_one_request()
    {
        var (files, ids) = Shards();
        await using var server = new LoopbackHttpServer(files);
        var log = new DataQualityLog();

        var read = await Task.Run(() => ReadAll(server, files.Keys, log));

        Assert.Equal(ids, DataFiles.Ids(read));
        Assert.Equal(0, log.Total);
        Assert.Equal(2, server.Requests.Count);
        Assert.Equal(server.Url("shard-0.json.gz"), read[0].Position.Shard);
    }

    [Fact(Timeout = 60_000)]
    public async Task Dropped_connections_resume_by_range_with_no_document_lost_or_repeated()
    {
        var (files, ids) = Shards();
        // Every response is cut after 150-300 KB, alternately by a clean close and a TCP reset.
        await using var server = new LoopbackHttpServer(files,
            r => new HttpReply.Serve(DropAfter: 150_000 + (r.Number * 37_813 % 150_000), Reset: r.Number % 2 == 0));
        var log = new DataQualityLog();

        var read = await Task.Run(() => ReadAll(server, files.Keys, log));

        Assert.Equal(ids, DataFiles.Ids(read));
        Assert.Equal(0, log.Total);
        var requests = server.Requests;
        Assert.True(requests.Count >= 8, $"{requests.Count} requests");
        Assert.All(requests.GroupBy(r => r.Path), g => Assert.Equal(
            g.Skip(1).Select(r => r.RangeStart!.Value), g.Skip(1).Select(r => r.RangeStart!.Value).Order().Distinct()));
        Assert.Contains(requests, r => r.RangeStart > 0);
    }

    [Fact(Timeout = 60_000)]
    public async Task Answers_of_500_and_drops_together_are_retried_and_every_document_arrives_once_in_order()
    {
        var (files, ids) = Shards();
        await using var server = new LoopbackHttpServer(files, r => r.Number % 3 == 1
            ? new HttpReply.Status(500)
            : new HttpReply.Serve(DropAfter: 250_000));
        var log = new DataQualityLog();

        var read = await Task.Run(() => ReadAll(server, files.Keys, log));

        Assert.Equal(ids, DataFiles.Ids(read));
        Assert.Equal(0, log.Total);
        Assert.Contains(server.Requests, r => r.Number % 3 == 1);
    }

    /// <summary>Replies scripted per shard: the n-th request for a path (from 1) gets <paramref name="script"/>(n).</summary>
    private static Func<HttpRequestSeen, HttpReply> PerPath(Func<int, HttpReply> script)
    {
        var counts = new Dictionary<string, int>();
        return r =>
        {
            int n;
            lock (counts) n = counts[r.Path] = counts.GetValueOrDefault(r.Path) + 1;
            return script(n);
        };
    }

    [Fact(Timeout = 60_000)]
    public async Task Answers_of_429_and_408_before_success_and_after_a_drop_are_retried_and_every_document_arrives_once()
    {
        var (files, ids) = Shards();
        // For each shard: 429, 408, then a transfer cut after 200,000 bytes; its Range request gets 429 and 408
        // again before the rest is served.
        await using var server = new LoopbackHttpServer(files, PerPath(n => n switch
        {
            1 or 4 => new HttpReply.Status(429),
            2 or 5 => new HttpReply.Status(408),
            3 => new HttpReply.Serve(DropAfter: 200_000),
            _ => HttpReply.Normal,
        }));
        var log = new DataQualityLog();

        var read = await Task.Run(() => ReadAll(server, files.Keys, log));

        Assert.Equal(ids, DataFiles.Ids(read));   // every document once, in order
        Assert.Equal(0, log.Total);
        foreach (var path in files.Keys)
        {
            var seen = server.Requests.Where(r => r.Path == path).ToList();
            Assert.Equal(6, seen.Count);   // no request more than the script needs: the sixth completed the shard
            Assert.Equal([null, null, null, 200_000L, 200_000L, 200_000L], seen.Select(r => r.RangeStart));
        }
    }

    [Fact(Timeout = 60_000)]
    public async Task A_changed_etag_on_the_range_request_after_a_drop_is_an_error_naming_the_url()
    {
        var (files, _) = Shards();
        await using var server = new LoopbackHttpServer(files, PerPath(n => n == 1
            ? new HttpReply.Serve(DropAfter: 200_000)
            : new HttpReply.Serve(ETag: "\"v2\"")));   // same bytes and length, another version by its tag

        var e = await Assert.ThrowsAsync<ShardReadException>(() => Task.Run(() => ReadAll(server, ["shard-0.json.gz"], new DataQualityLog())));

        Assert.StartsWith(server.Url("shard-0.json.gz") + ":", e.Message);
        Assert.Contains("ETag changed", e.Message);
        Assert.Contains("at byte 200000", e.Message);
        Assert.Equal(2, server.Requests.Count);   // not retried: another try would splice the same two versions
        Assert.Equal(200_000, server.Requests[1].RangeStart);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_changed_length_on_the_range_request_after_a_drop_is_an_error_naming_the_url()
    {
        var (files, _) = Shards();
        var original = files["shard-0.json.gz"];
        // The file replaced by a longer one between the two requests; no ETag at all, so only the length can tell.
        var longer = original.Concat(new byte[1000]).ToArray();
        await using var server = new LoopbackHttpServer(files, PerPath(n => n == 1
            ? new HttpReply.Serve(DropAfter: 200_000, ETag: null)
            : new HttpReply.Serve(ETag: null, Replaced: longer)));

        var e = await Assert.ThrowsAsync<ShardReadException>(() => Task.Run(() => ReadAll(server, ["shard-0.json.gz"], new DataQualityLog())));

        Assert.StartsWith(server.Url("shard-0.json.gz") + ":", e.Message);
        Assert.Contains($"the length changed from {original.Length} to {original.Length + 1000}", e.Message);
        Assert.Equal(2, server.Requests.Count);
        Assert.Equal(200_000, server.Requests[1].RangeStart);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_server_that_ignores_range_is_resumed_by_skipping_what_was_read()
    {
        var (files, ids) = Shards();
        await using var server = new LoopbackHttpServer(files, r => r.RangeStart is null
            ? new HttpReply.Serve(DropAfter: 300_000)
            : new HttpReply.Serve(IgnoreRange: true));
        var log = new DataQualityLog();

        var read = await Task.Run(() => ReadAll(server, files.Keys, log));

        Assert.Equal(ids, DataFiles.Ids(read));
        Assert.Equal(4, server.Requests.Count);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_stalled_transfer_times_out_and_resumes()
    {
        var (files, ids) = Shards();
        await using var server = new LoopbackHttpServer(files, r => r.RangeStart is null
            ? new HttpReply.Serve(StallAfter: 100_000)
            : HttpReply.Normal);
        var log = new DataQualityLog();

        // 3 s, not 0.5 s: the stall waits it out once per shard, and a shorter one could also end a transfer a loaded machine
        // merely paused (the in-process server's writes wait for pool threads), resuming it at another byte than 100,000.
        var read = await Task.Run(() => ReadAll(server, files.Keys, log, FastRetry with { ReadTimeout = TimeSpan.FromSeconds(3) }));

        Assert.Equal(ids, DataFiles.Ids(read));
        Assert.All(server.Requests.Where(r => r.RangeStart is not null), r => Assert.Equal(100_000, r.RangeStart));
    }

    [Fact(Timeout = 60_000)]
    public async Task A_server_that_stays_down_fails_after_the_bounded_attempts_naming_the_url_and_offset()
    {
        var (files, _) = Shards();
        await using var server = new LoopbackHttpServer(files, r => r.Number == 1
            ? new HttpReply.Serve(DropAfter: 200_000)
            : new HttpReply.Status(503));

        var e = await Assert.ThrowsAsync<ShardReadException>(() => Task.Run(() => ReadAll(server, ["shard-0.json.gz"], new DataQualityLog())));

        Assert.Contains(server.Url("shard-0.json.gz"), e.Message);
        Assert.Contains("at byte 200000 of", e.Message);
        Assert.Contains("after 5 failed attempts", e.Message);
        Assert.Equal(5, server.Requests.Count); // the drop is the first failure, then four 503s
    }

    [Fact(Timeout = 60_000)]
    public async Task Each_retry_is_reported_with_the_url_the_byte_reached_and_the_wait_before_the_next_attempt()
    {
        // A drop after 200,000 bytes, two 503s for its Range request, then the rest: three retries, each said once.
        var (files, ids) = Shards();
        await using var server = new LoopbackHttpServer(files, PerPath(n => n switch
        {
            1 => new HttpReply.Serve(DropAfter: 200_000),
            2 or 3 => new HttpReply.Status(503),
            _ => HttpReply.Normal,
        }));
        var notices = new List<string>();
        using var http = ResumableHttpStream.CreateClient();
        var source = DataFiles.Source([server.Url("shard-0.json.gz")], new DataQualityLog(),
            reader: new ShardReader(http, FastRetry, notices.Add));

        var read = await Task.Run(() => source.Read().Select(d => d.Document).ToList());

        Assert.Equal(ids.Take(1500), DataFiles.Ids(read));
        var url = server.Url("shard-0.json.gz");
        var length = files["shard-0.json.gz"].Length;
        // FastRetry: 5 attempts (4 retries), waits of 5 ms doubling after each failure in a row.
        Assert.Equal(3, notices.Count);
        Assert.All(notices, n => Assert.StartsWith($"{url}: ", n));
        Assert.EndsWith($" at byte 200000 of {length}; retry 1 of 4 in 0.005 s", notices[0]);
        Assert.Equal($"{url}: HTTP 503 at byte 200000 of {length}; retry 2 of 4 in 0.01 s", notices[1]);
        Assert.Equal($"{url}: HTTP 503 at byte 200000 of {length}; retry 3 of 4 in 0.02 s", notices[2]);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_tls_failure_is_not_retried_and_says_why()
    {
        // https:// to a plain-HTTP server, which answers the TLS hello with an HTTP error: the handshake fails the same way
        // every time; it was retried for a minute with "The SSL connection could not be established, see inner exception".
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        int accepted = 0;
        var serving = Task.Run(async () =>
        {
            while (true)
            {
                using var client = await listener.AcceptTcpClientAsync();
                Interlocked.Increment(ref accepted);
                var stream = client.GetStream();
                _ = await stream.ReadAsync(new byte[4096]);   // whatever part of the hello came first: the answer is the same
                await stream.WriteAsync("HTTP/1.0 400 Bad Request\r\nContent-Length: 0\r\n\r\n"u8.ToArray());
            }
        });
        var notices = new List<string>();
        using var http = ResumableHttpStream.CreateClient();
        var url = $"https://127.0.0.1:{((System.Net.IPEndPoint)listener.LocalEndpoint).Port}/shard-0.json.gz";
        var source = DataFiles.Source([url], new DataQualityLog(), reader: new ShardReader(http, FastRetry, notices.Add));

        var e = await Assert.ThrowsAsync<ShardReadException>(() => Task.Run(() => source.Read().ToList()));

        Assert.StartsWith($"{url}: the TLS connection failed: ", e.Message);
        Assert.Empty(notices);   // not retried
        Assert.Equal(1, accepted);
        listener.Stop();
    }

    [Fact(Timeout = 60_000)]
    public async Task A_shard_the_server_does_not_have_is_recorded_and_skipped_at_once_and_stops_a_strict_source()
    {
        // One URL of a long list gone (404): the run goes on with the others, as for any bad shard.
        var (files, ids) = Shards();
        await using var server = new LoopbackHttpServer(files);
        var log = new DataQualityLog();
        var read = await Task.Run(() => ReadAll(server, ["shard-0.json.gz", "gone.json.gz", "shard-1.json.gz"], log));
        Assert.Equal(ids, DataFiles.Ids(read));
        var issue = Assert.Single(log.Issues);
        Assert.Equal((server.Url("gone.json.gz"), 0L, DataQualityReasons.MissingShard), (issue.Shard, issue.Line, issue.Reason));
        Assert.Contains("HTTP 404", issue.Detail);
        Assert.Equal(3, server.Requests.Count);   // a 404 is not retried

        using var http = ResumableHttpStream.CreateClient();
        var strict = DataFiles.Source([server.Url("gone.json.gz")], new DataQualityLog(), strict: true, reader: new ShardReader(http, FastRetry));
        var e = await Assert.ThrowsAsync<DataException>(() => Task.Run(() => strict.Read().ToList()));
        Assert.Contains("missing_shard", e.Message);
    }

    [Fact(Timeout = 60_000)]
    public async Task Resuming_an_http_source_from_a_cursor_gives_the_rest_over_a_flaky_server()
    {
        var (files, ids) = Shards();
        await using var server = new LoopbackHttpServer(files, r => new HttpReply.Serve(DropAfter: 200_000, Reset: true));
        var log = new DataQualityLog();
        using var http = ResumableHttpStream.CreateClient();
        var source = DataFiles.Source(files.Keys.Select(server.Url), log, shuffleBuffer: 64, seed: 3,
            reader: new ShardReader(http, FastRetry));

        var (full, head, rest) = await Task.Run(() =>
        {
            var full = source.Read().ToList();
            var head = source.Read().Take(2100).ToList();
            return (full, head, source.Read(head[^1].After).ToList());
        });

        Assert.Equal(ids.Order(), full.Select(d => d.Document.Id).Order());
        Assert.Equal(full.Skip(2100).Select(d => d.Document), rest.Select(d => d.Document));
        Assert.Equal(0, log.Total);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_url_list_file_names_the_http_shards()
    {
        var (files, ids) = Shards();
        await using var server = new LoopbackHttpServer(files);
        using var dir = new ArtifactTempDir();
        File.WriteAllLines(dir.File("urls.txt"), ["# loopback", .. files.Keys.Select(server.Url)]);
        using var http = ResumableHttpStream.CreateClient();
        var source = DocumentSource.Create(new DataSourceSpec { Paths = ["urls.txt"], ShuffleShards = false, ShuffleBuffer = 1 },
            dir.Path, runSeed: 0, new DataQualityLog(), new ShardReader(http, FastRetry));

        Assert.Equal(ids, DataFiles.Ids(await Task.Run(() => source.Documents().ToList())));
    }
}
