using Retention.Data;
using Retention.Tests.Artifacts;

namespace Retention.Tests.Data;

public class ShardFormatTests
{
    [Theory]
    [InlineData("docs.jsonl")]
    [InlineData("docs.json")]
    [InlineData("docs.ndjson")]
    [InlineData("docs.json.gz")]
    [InlineData("docs.jsonl.gz")]
    [InlineData("docs.json.zst")]
    public void Every_format_gives_the_same_documents(string name)
    {
        using var dir = new ArtifactTempDir();
        var docs = DataFiles.Docs("d", 500, textLength: 200);
        var path = DataFiles.Write(dir.File(name), DataFiles.Lines(docs));
        var log = new DataQualityLog();

        var read = DataFiles.Source([path], log).Documents().ToList();

        Assert.Equal(docs.Select(d => d.Id), read.Select(d => d.Id));
        Assert.Equal(docs.Select(d => d.Text), read.Select(d => d.Text));
        Assert.Equal(Enumerable.Range(1, 500).Select(i => (long)i), read.Select(d => d.Position.Line));
        Assert.All(read, d => Assert.Equal((path, 0), (d.Position.Shard, d.Position.ShardIndex)));
        Assert.Equal(0, log.Total);
    }

    [Fact]
    public void Crlf_a_bom_blank_lines_and_a_last_line_without_newline_are_handled()
    {
        using var dir = new ArtifactTempDir();
        var text = "\uFEFF" + DataFiles.Line("a", "x") + "\r\n\r\n   \n" + DataFiles.Line("b", "y") + "\r\n" + DataFiles.Line("c", "z");
        var path = DataFiles.Write(dir.File("crlf.jsonl"), DataFiles.Utf8.GetBytes(text));
        var log = new DataQualityLog();
        var read = DataFiles.Source([path], log).Documents().ToList();
        Assert.Equal(["a", "b", "c"], DataFiles.Ids(read));
        Assert.Equal([1L, 4L, 5L], read.Select(d => d.Position.Line));
        Assert.Equal(0, log.Total);
    }

    [Fact]
    public void Concatenated_gzip_members_are_one_shard()
    {
        using var dir = new ArtifactTempDir();
        var docs = DataFiles.Docs("d", 40);
        var bytes = DataFiles.Gzip(DataFiles.Bytes(DataFiles.Lines(docs.Take(25))))
            .Concat(DataFiles.Gzip(DataFiles.Bytes(DataFiles.Lines(docs.Skip(25))))).ToArray();
        var path = dir.File("multi.json.gz");
        File.WriteAllBytes(path, bytes);
        var log = new DataQualityLog();
        Assert.Equal(docs.Select(d => d.Id), DataFiles.Ids(DataFiles.Source([path], log).Documents()));
        Assert.Equal(0, log.Total);
    }

    [Theory]
    [InlineData("t.json.gz")]
    [InlineData("t.json.zst")]
    public void A_truncated_compressed_shard_keeps_its_complete_lines_and_records_one_issue(string name)
    {
        using var dir = new ArtifactTempDir();
        var docs = DataFiles.Docs("d", 2000, textLength: 100);
        var full = DataFiles.Write(dir.File("full-" + name), DataFiles.Lines(docs));
        var compressed = File.ReadAllBytes(full);
        // Cut in the middle, just before the end (inside the trailer or last frame) and near the start.
        foreach (var cut in (int[])[compressed.Length / 2, compressed.Length - 3, 40])
        {
            var path = dir.File($"cut{cut}-" + name);
            File.WriteAllBytes(path, compressed[..cut]);
            var log = new DataQualityLog();

            var read = DataFiles.Source([path], log).Documents().ToList();

            Assert.Equal(docs.Take(read.Count).Select(d => d.Id), DataFiles.Ids(read)); // a prefix, nothing garbled
            Assert.True(read.Count < docs.Count || cut == compressed.Length - 3, $"cut {cut}: read {read.Count}");
            var issue = Assert.Single(log.Issues);
            Assert.Equal((path, DataQualityReasons.Truncated, read.Count + 1L), (issue.Shard, issue.Reason, issue.Line));
        }
    }

    [Fact]
    public void An_over_long_line_is_skipped_and_reported()
    {
        using var dir = new ArtifactTempDir();
        var path = DataFiles.Write(dir.File("long.jsonl"),
            [DataFiles.Line("a", "x"), DataFiles.Line("b", new string('y', 5000)), DataFiles.Line("c", "z")]);
        var log = new DataQualityLog();
        Assert.Equal(["a", "c"], DataFiles.Ids(DataFiles.Source([path], log, maxLineBytes: 1000).Documents()));
        var issue = Assert.Single(log.Issues);
        Assert.Equal((DataQualityReasons.LineTooLong, 2L), (issue.Reason, issue.Line));
    }
}
