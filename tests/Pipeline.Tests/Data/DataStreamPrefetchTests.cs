using System.Net;
using System.Text;
using System.Text.Json;
using Retention.Data;

namespace Retention.Tests.Data;

/// <summary>
/// data.packing.prefetch (README: "documents in flight between reader and packer") bounds how far the reader runs
/// ahead of the packer. It was validated and then never passed on: the tokenizer stage always held 256.
/// </summary>
public class DataStreamPrefetchTests
{
    /// <summary>Serves one shard and counts the bytes the data stage has read of it.</summary>
    sealed class CountingHandler(byte[] body) : HttpMessageHandler
    {
        long served;
        public long Served => Interlocked.Read(ref served);

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct) =>
            Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StreamContent(new Counting(body, this)) });

        sealed class Counting(byte[] body, CountingHandler owner) : MemoryStream(body, writable: false)
        {
            public override int Read(byte[] buffer, int offset, int count) => Add(base.Read(buffer, offset, count));
            public override int Read(Span<byte> buffer) => Add(base.Read(buffer));
            public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default) => ValueTask.FromResult(Add(base.Read(buffer.Span)));
            public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken ct) => Task.FromResult(Add(base.Read(buffer, offset, count)));
            int Add(int n) { Interlocked.Add(ref owner.served, n); return n; }
        }
    }

    [Fact]
    public void The_reader_runs_as_far_ahead_of_the_packer_as_prefetch_allows()
    {
        // 3,000 documents of about 1 KB: 256 in flight (what it always held) is about 0.26 MB read ahead, 2,500 about 2.5 MB.
        var text = string.Join(' ', Enumerable.Repeat("word", 200));
        var body = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Range(0, 3000)
            .Select(i => JsonSerializer.Serialize(new { id = $"d{i}", text }) + "\n")));
        using var handler = new CountingHandler(body);
        using var http = new HttpClient(handler);
        var spec = new DataStreamSpec(
            [new DataSourceSpec { Paths = ["http://shards.test/a.jsonl"], ShuffleBuffer = 1 }],
            new TokenizerSpec { Threads = 1 },
            new PackingSpec { SeqLen = 8, BatchSize = 1, HeldOutEvery = 0, ValidationRows = 0, Prefetch = 2500 },
            [], Seed: 0);

        using var batches = DataStream.Open(spec, Path.GetTempPath(), new DataQualityLog(), reader: new ShardReader(http)).GetEnumerator();
        Assert.True(batches.MoveNext());   // one document packed; the reader goes on filling what prefetch lets it hold

        // Not a timing assertion: the reader gets there in moments where prefetch is honoured, and never where it is not.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (handler.Served < 2_000_000 && DateTime.UtcNow < deadline) Thread.Sleep(20);
        Assert.True(handler.Served >= 2_000_000, $"read {handler.Served:N0} of {body.Length:N0} bytes ahead with prefetch 2500");
    }
}
