using Retention.Data;

namespace Retention.Tests.Data;

/// <summary>The HTTP answers that end a shard for good say what they mean and what to do: a refusal (401/403) that the
/// data stage, which sends no credentials, cannot get past, and a file that changed on the server mid-read.</summary>
public class HttpRefusalTests
{
    static readonly HttpRetryPolicy FastRetry = new()
    {
        MaxAttempts = 5, InitialDelay = TimeSpan.FromMilliseconds(5), MaxDelay = TimeSpan.FromMilliseconds(40),
        ReadTimeout = TimeSpan.FromSeconds(10),
    };

    static Dictionary<string, byte[]> Files() => new()
    {
        ["shard-0.json.gz"] = DataFiles.Gzip(DataFiles.Bytes(DataFiles.Lines(DataFiles.Docs("h", 1500, textLength: 750, seed: 7)))),
    };

    static Func<HttpRequestSeen, HttpReply> Script(Func<int, HttpReply> reply) => r => reply(r.Number);

    /// <summary>Reads the shard, collecting the retry notices; returns the exception it ended with (null: read whole).</summary>
    static async Task<(Exception? Error, List<string> Notices, DataQualityLog Log)> Read(LoopbackHttpServer server)
    {
        var notices = new List<string>();
        var log = new DataQualityLog();
        using var http = ResumableHttpStream.CreateClient();
        var source = DataFiles.Source([server.Url("shard-0.json.gz")], log, reader: new ShardReader(http, FastRetry, notices.Add));
        var error = await Record.ExceptionAsync(() => Task.Run(() => source.Read().ToList()));
        return (error, notices, log);
    }

    [Theory(Timeout = 60_000)]
    [InlineData(401)]
    [InlineData(403)]
    public async Task A_refusal_is_not_retried_and_says_that_no_credentials_are_sent_and_to_read_local_copies(int status)
    {
        await using var server = new LoopbackHttpServer(Files(), Script(_ => new HttpReply.Status(status)));

        var (error, notices, log) = await Read(server);

        var e = Assert.IsType<ShardReadException>(error);
        var url = server.Url("shard-0.json.gz");
        Assert.StartsWith($"{url}: HTTP {status} Scripted at byte 0: the server refused access. ", e.Message);
        Assert.Contains("The data stage sends no credentials", e.Message);
        Assert.Contains("download the shards with your credentials and point `paths`", e.Message);
        Assert.Contains("at the local copies", e.Message);
        Assert.False(e.Missing);   // not a missing shard to skip: every other shard of that server would be refused too
        Assert.Single(server.Requests);
        Assert.Empty(notices);
        Assert.Equal(0, log.Total);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_refusal_of_the_range_request_after_a_drop_is_not_retried_and_names_the_byte()
    {
        // A presigned URL that expires mid-transfer: the first answer breaks after 200,000 bytes, the resume is refused.
        await using var server = new LoopbackHttpServer(Files(), Script(n => n == 1 ? new HttpReply.Serve(DropAfter: 200_000) : new HttpReply.Status(403)));

        var (error, notices, _) = await Read(server);

        var e = Assert.IsType<ShardReadException>(error);
        Assert.Contains("HTTP 403 Scripted at byte 200000: the server refused access", e.Message);
        Assert.Equal(2, server.Requests.Count);
        Assert.Equal(200_000, server.Requests[1].RangeStart);
        Assert.Single(notices);   // the drop's retry, and no retry of the refusal
    }

    [Fact(Timeout = 60_000)]
    public async Task A_changed_etag_says_the_file_changed_on_the_server_and_to_pin_a_local_copy()
    {
        await using var server = new LoopbackHttpServer(Files(), Script(n => n == 1
            ? new HttpReply.Serve(DropAfter: 200_000)
            : new HttpReply.Serve(ETag: "\"v2\"")));

        var (error, _, _) = await Read(server);

        var e = Assert.IsType<ShardReadException>(error);
        Assert.StartsWith($"{server.Url("shard-0.json.gz")}: the ETag changed from \"v1\" to \"v2\" between requests (at byte 200000): ", e.Message);
        Assert.Contains("the file changed on the server while it was being read", e.Message);
        Assert.Contains("a run cannot resume reproducibly on data that changes under it", e.Message);
        Assert.Contains("pin a copy (download the shard once and point `paths` at the local file)", e.Message);
        Assert.Equal(2, server.Requests.Count);   // not retried
    }

    [Fact(Timeout = 60_000)]
    public async Task Without_etags_a_changed_last_modified_date_is_a_changed_file()
    {
        var first = new DateTimeOffset(2024, 3, 1, 12, 0, 0, TimeSpan.Zero);
        await using var server = new LoopbackHttpServer(Files(), Script(n => n == 1
            ? new HttpReply.Serve(DropAfter: 200_000, ETag: null, LastModified: first)
            : new HttpReply.Serve(ETag: null, LastModified: first.AddMinutes(5))));   // same bytes, same length: only the date tells

        var (error, _, _) = await Read(server);

        var e = Assert.IsType<ShardReadException>(error);
        Assert.Contains("the Last-Modified date changed from Fri, 01 Mar 2024 12:00:00 GMT to Fri, 01 Mar 2024 12:05:00 GMT between requests (at byte 200000)", e.Message);
        Assert.Contains("the file changed on the server", e.Message);
        Assert.Equal(2, server.Requests.Count);
    }

    [Fact(Timeout = 60_000)]
    public async Task An_unchanged_last_modified_date_or_equal_etags_let_a_broken_transfer_resume()
    {
        var date = new DateTimeOffset(2024, 3, 1, 12, 0, 0, TimeSpan.Zero);
        var docs = DataFiles.Docs("h", 1500, textLength: 750, seed: 7).Select(d => d.Id).ToList();
        foreach (var (etag, second) in new (string?, DateTimeOffset)[] { (null, date), ("\"v1\"", date.AddDays(1)) })
        {
            // Equal ETags win over a date that differs (two frontends of one file may stamp it differently).
            await using var server = new LoopbackHttpServer(Files(), Script(n => n == 1
                ? new HttpReply.Serve(DropAfter: 200_000, ETag: etag, LastModified: date)
                : new HttpReply.Serve(ETag: etag, LastModified: second)));
            using var http = ResumableHttpStream.CreateClient();
            var source = DataFiles.Source([server.Url("shard-0.json.gz")], new DataQualityLog(), reader: new ShardReader(http, FastRetry));

            var read = await Task.Run(() => source.Documents().ToList());

            Assert.Equal(docs, DataFiles.Ids(read));
            Assert.Equal(2, server.Requests.Count);
        }
    }
}
