using System.Text.Json;
using Retention.Data;
using Retention.Tests.Artifacts;

namespace Retention.Tests.Data;

public class DocumentSourceTests
{
    /// <summary>Five shards of varied sizes and formats, with bad lines and an empty shard among them.</summary>
    private static List<string> Corpus(ArtifactTempDir dir)
    {
        var shards = new List<string>();
        for (var s = 0; s < 4; s++)
        {
            var lines = DataFiles.Lines(DataFiles.Docs($"s{s}", 7 + 5 * s, seed: s));
            lines.Insert(3, "{\"id\":\"bad\""); // invalid JSON at line 4
            if (s == 2) lines.Add("{\"id\":\"no-text\"}");
            shards.Add(DataFiles.Write(dir.File($"shard-{s}.json" + (s % 2 == 0 ? ".gz" : "l")), lines));
        }
        shards.Add(DataFiles.Write(dir.File("shard-empty.jsonl"), Array.Empty<byte>()));
        return shards;
    }

    private static DocumentSource Source(List<string> shards, DataQualityLog log, long seed = 11, int buffer = 6, int epochs = 1) =>
        DataFiles.Source(shards, log, shuffleBuffer: buffer, seed: seed, shuffleShards: true, epochs: epochs);

    [Fact]
    public void The_same_seed_gives_the_same_stream_and_another_seed_a_different_order_of_the_same_documents()
    {
        using var dir = new ArtifactTempDir();
        var shards = Corpus(dir);
        var a = DataFiles.Ids(Source(shards, new DataQualityLog(), seed: 1).Documents());
        var b = DataFiles.Ids(Source(shards, new DataQualityLog(), seed: 1).Documents());
        var c = DataFiles.Ids(Source(shards, new DataQualityLog(), seed: 2).Documents());
        var fileOrder = DataFiles.Ids(DataFiles.Source(shards, new DataQualityLog()).Documents());

        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
        Assert.NotEqual(a, fileOrder);
        Assert.Equal(fileOrder.Order(), a.Order());
        Assert.Equal(fileOrder.Count, fileOrder.Distinct().Count());
    }

    [Fact]
    public void Resuming_from_any_document_gives_exactly_the_rest_of_the_stream_and_the_same_issues()
    {
        using var dir = new ArtifactTempDir();
        var shards = Corpus(dir);
        var fullLog = new DataQualityLog();
        var full = Source(shards, fullLog, epochs: 2).Read().ToList();
        Assert.True(full.Count > 80);

        for (var k = 0; k < full.Count; k++)
        {
            // Stop after k+1 documents, as a checkpoint would, then resume from the saved cursor.
            var log = new DataQualityLog();
            var head = Source(shards, log, epochs: 2).Read().Take(k + 1).ToList();
            var cursor = head[^1].After;
            var saved = JsonSerializer.Deserialize<SourceCursor>(JsonSerializer.Serialize(cursor));
            Assert.Equal(cursor, saved);

            var rest = Source(shards, log, epochs: 2).Read(saved).ToList();

            Assert.Equal(full.Skip(k + 1).Select(d => d.Document), rest.Select(d => d.Document));
            Assert.Equal(full.Skip(k + 1).Select(d => d.After), rest.Select(d => d.After));
            Assert.Equal(fullLog.Issues, log.Issues); // each issue once, whether or not the run was resumed
        }
    }

    /// <summary>One plain shard of 30 documents and the cursor after the 10th, read in blocks of 6: mid-block, mid-shard.</summary>
    private static (string Shard, SourceCursor Cursor, List<SourcedDocument> Full) ShardAndCursorAfterTen(ArtifactTempDir dir)
    {
        var shard = DataFiles.Write(dir.File("a.jsonl"), DataFiles.Lines(DataFiles.Docs("a", 30)));
        var full = Source([shard], new DataQualityLog()).Read().ToList();
        var cursor = JsonSerializer.Deserialize<SourceCursor>(JsonSerializer.Serialize(full[9].After))!;
        Assert.InRange(cursor.LinesConsumed, 1, 29);
        return (shard, cursor, full);
    }

    [Fact]
    public void A_shard_whose_lines_before_the_cursor_changed_since_is_refused_by_resume_naming_it()
    {
        using var dir = new ArtifactTempDir();
        var (shard, cursor, _) = ShardAndCursorAfterTen(dir);
        var lines = DataFiles.Lines(DataFiles.Docs("a", 30));
        lines[1] = DataFiles.Line("a-1", "the same id, other text: the shard was regenerated");
        DataFiles.Write(shard, lines);   // as many lines as before, so only their content can tell

        var e = Assert.Throws<DataException>(() => Source([shard], new DataQualityLog()).Read(cursor).ToList());

        Assert.StartsWith($"{shard}: its first {cursor.LinesConsumed} lines are not the ones the run read before its checkpoint", e.Message);
        Assert.Contains("restore the shard as it was", e.Message);
    }

    [Fact]
    public void Lines_after_the_cursor_are_not_checked_and_a_cursor_without_a_digest_resumes_unchecked_then_records_one()
    {
        using var dir = new ArtifactTempDir();
        var (shard, cursor, full) = ShardAndCursorAfterTen(dir);
        Assert.Matches("^[0-9a-f]{16}$", cursor.LinesDigest);

        // A cursor as versions before the digest saved it: the same rest, and every cursor after the first block has the digest.
        var unchecked_ = Source([shard], new DataQualityLog()).Read(cursor with { LinesDigest = null }).ToList();
        Assert.Equal(full.Skip(10).Select(d => d.Document), unchecked_.Select(d => d.Document));
        var firstFullBlock = unchecked_.FindIndex(d => d.After.BlockOffset == 0) + 1;
        Assert.Equal(full.Skip(10 + firstFullBlock).Select(d => d.After), unchecked_.Skip(firstFullBlock).Select(d => d.After));

        // The lines the cursor has not reached are read as they are now.
        var lines = DataFiles.Lines(DataFiles.Docs("a", 30));
        lines[^1] = DataFiles.Line("a-29", "changed after the checkpoint's position");
        DataFiles.Write(shard, lines);
        var rest = Source([shard], new DataQualityLog()).Read(cursor).ToList();
        Assert.Equal("changed after the checkpoint's position", rest.Single(d => d.Document.Id == "a-29").Document.Text);
    }

    [Fact]
    public void Each_epoch_delivers_every_document_once_in_its_own_order()
    {
        using var dir = new ArtifactTempDir();
        var shards = Corpus(dir);
        var log = new DataQualityLog();
        var read = Source(shards, log, epochs: 3).Read().ToList();
        var once = DataFiles.Ids(Source(shards, new DataQualityLog()).Documents());
        Assert.Equal(3 * once.Count, read.Count);
        Assert.Equal(once, DataFiles.Ids(read.Take(once.Count).Select(d => d.Document)));
        var second = DataFiles.Ids(read.Skip(once.Count).Take(once.Count).Select(d => d.Document));
        Assert.Equal(once.Order(), second.Order());
        Assert.NotEqual(once, second);
        // Later epochs read the same lines again; their issues are recorded once, in epoch 0.
        Assert.Equal(4 + 1 + 1, log.Total);
    }

    [Fact]
    public void A_source_without_documents_ends_even_when_repeating_forever()
    {
        using var dir = new ArtifactTempDir();
        var empty = DataFiles.Write(dir.File("e.jsonl"), Array.Empty<byte>());
        var log = new DataQualityLog();
        Assert.Empty(DataFiles.Source([empty], log, epochs: 0).Documents());
        Assert.Single(log.Issues);
    }
}
