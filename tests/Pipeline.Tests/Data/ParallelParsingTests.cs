using System.Collections.Immutable;
using Retention.Data;
using Retention.Tests.Artifacts;

namespace Retention.Tests.Data;

/// <summary>On 4 cores or more ShardSequence parses lines on the thread pool (ShardSequence.DefaultParseAhead). What it yields
/// must be what parsing each line in turn yields: the same events in the same order, with the same positions and digests,
/// through every kind of line and every way a shard ends, and from a resume point.</summary>
public class ParallelParsingTests
{
    static List<ShardEvent> Events(ImmutableArray<Shard> shards, int parseAhead, int startShard = 0, long startLines = 0,
        ulong? startDigest = null, int maxLineBytes = 300) =>
        [.. ShardSequence.Read(shards, startShard, startLines, new ShardReader().Open, "test", maxLineBytes, keepJson: true, startDigest, parseAhead)];

    static string Describe(ShardEvent e) =>
        $"{e.ShardIndex}:{e.LinesConsumed}:{e.Digest:x16} {e.Document?.Id}|{e.Document?.Text}|{e.Document?.Json}|{e.Issue?.Reason}|{e.Issue?.Detail}";

    static string WriteAsIs(string path, byte[] bytes)
    {
        File.WriteAllBytes(path, bytes);
        return path;
    }

    [Fact]
    public void Parsing_ahead_yields_what_parsing_each_line_in_turn_yields()
    {
        using var dir = new ArtifactTempDir();
        var good = DataFiles.Lines(DataFiles.Docs("a", 300, textLength: 80, seed: 1));
        List<string> mixed = [.. good.Take(40), "", "   ", "{not json", "{\"id\": \"no-text\"}", new string('x', 400),   // blank, bad, too long
            .. good.Skip(40).Take(30), "{\"id\": 7, \"text\": \"numeric id\"}", "{\"text\": \"no id\"}"];
        var paths = new[]
        {
            DataFiles.Write(dir.File("a.jsonl"), mixed),
            DataFiles.Write(dir.File("b.jsonl.gz"), good),                                                     // gzipped by its name
            DataFiles.Write(dir.File("c.jsonl"), Array.Empty<byte>()),                                        // empty shard
            WriteAsIs(dir.File("d.jsonl.gz"), DataFiles.GzipCorruptAfter([.. good.Take(25)], [.. good.Take(5)])),   // fails mid-shard
            DataFiles.Write(dir.File("e.jsonl"), [.. good.Skip(100).Take(7)]),
        };
        var shards = ShardList.Expand(paths, "/");

        var inTurn = Events(shards, parseAhead: 0);
        Assert.Contains(inTurn, e => e.Issue?.Reason == DataQualityReasons.LineTooLong);
        Assert.Contains(inTurn, e => e.Issue?.Reason == DataQualityReasons.EmptyShard);
        Assert.Contains(inTurn, e => e.Issue?.Reason == DataQualityReasons.InvalidJson);
        Assert.Contains(inTurn, e => e.Issue is { } issue && issue.Shard.EndsWith("d.jsonl.gz"));   // its read failure
        Assert.Equal(70 + 2 + 300 + 25 + 7, inTurn.Count(e => e.Document is not null));
        foreach (var ahead in new[] { 1, 3, 16 })
            Assert.Equal(inTurn.Select(Describe), Events(shards, ahead).Select(Describe));

        // From a resume point inside the first shard, its digest checked: the same tail either way.
        var at = inTurn[20];
        var tail = Events(shards, 0, at.ShardIndex, at.LinesConsumed, at.Digest);
        Assert.Equal(inTurn.Skip(21).Select(Describe), tail.Select(Describe));
        Assert.Equal(tail.Select(Describe), Events(shards, 8, at.ShardIndex, at.LinesConsumed, at.Digest).Select(Describe));
    }

    /// <summary>A document read is handed out before the next read that may wait on the source: a stalled stream (here: one
    /// that blocks until released after its first lines) does not hold back the documents already in hand.</summary>
    [Fact]
    public async Task Documents_in_hand_come_out_while_the_source_stalls()
    {
        var lines = DataFiles.Bytes(DataFiles.Lines(DataFiles.Docs("s", 5, seed: 2)));
        using var release = new ManualResetEventSlim();
        var shards = ImmutableArray.Create(new Shard("stalling.jsonl"));
        using var events = ShardSequence.Read(shards, 0, 0, _ => new StallingStream(lines, release), "test", parseAhead: 8).GetEnumerator();
        int got = 0;   // documents out, counted by the reading task
        var reader = Task.Run(() => { while (Volatile.Read(ref got) < 5 && events.MoveNext()) if (events.Current.Document is not null) Interlocked.Increment(ref got); });
        Assert.True(SpinWait.SpinUntil(() => Volatile.Read(ref got) == 5, TimeSpan.FromSeconds(20)),
            $"{Volatile.Read(ref got)} of the 5 documents read before the stall came out");
        release.Set();
        await reader.WaitAsync(TimeSpan.FromSeconds(20));
    }

    /// <summary>Gives its bytes, then blocks the next read until released, then ends.</summary>
    sealed class StallingStream(byte[] bytes, ManualResetEventSlim release) : MemoryStream(bytes, writable: false)
    {
        public override int Read(byte[] buffer, int offset, int count)
        {
            if (Position == Length) release.Wait();
            return base.Read(buffer, offset, count);
        }

        public override int Read(Span<byte> buffer)
        {
            if (Position == Length) release.Wait();
            return base.Read(buffer);
        }
    }
}
