using System.Text;
using Apache.Arrow;
using Apache.Arrow.Ipc;
using Retention.Data;
using Retention.Tests.Artifacts;

namespace Retention.Tests.Data;

/// <summary>Issue item 7: each kind of bad data is counted and recorded once, the good documents still arrive.</summary>
public class BadDataTests
{
    private sealed record Corpus(List<string> Shards, List<string> GoodIds, List<DataQualityIssue> Expected);

    private static Corpus Write(ArtifactTempDir dir)
    {
        string P(string name) => dir.File(name);
        var good = DataFiles.Docs("good", 5);
        var shards = new List<string>
        {
            DataFiles.Write(P("1-good.jsonl"), DataFiles.Lines(good)),
            DataFiles.Write(P("2-bad-json.jsonl"), [DataFiles.Line("j1", "a"), DataFiles.Line("j2", "b"), "{\"id\":\"j3\",\"text\":", DataFiles.Line("j4", "d")]),
            DataFiles.Write(P("3-no-text.jsonl"), [DataFiles.Line("t1", "a"), "{\"id\":\"t2\",\"source\":\"s\"}"]),
            DataFiles.Write(P("4-bad-utf8.jsonl"), DataFiles.Bytes([DataFiles.Line("u1", "a"), DataFiles.Line("u2", "b"), DataFiles.Line("u3", "c")])
                .Concat(Encoding.UTF8.GetBytes("{\"id\":\"u4\",\"text\":\"")).Concat(new byte[] { 0xFF, 0xFE }).Concat(Encoding.UTF8.GetBytes("\"}\n"))
                .Concat(DataFiles.Bytes([DataFiles.Line("u5", "e")])).ToArray()),
            P("5-truncated.json.gz"),
            DataFiles.Write(P("6-empty.jsonl"), System.Array.Empty<byte>()),
        };
        var truncatedDocs = DataFiles.Docs("z", 400, textLength: 100);
        var gz = DataFiles.Gzip(DataFiles.Bytes(DataFiles.Lines(truncatedDocs)));
        File.WriteAllBytes(shards[4], gz[..(gz.Length * 2 / 3)]);
        // How many of the truncated shard's lines survive depends on where the cut falls in the deflate
        // stream: decompress it independently of the reader under test and count its complete lines.
        var survivors = CompleteLinesBeforeTheCut(shards[4]);
        Assert.InRange(survivors, 1, truncatedDocs.Count - 1);   // the cut falls inside the documents, after the first

        var goodIds = good.Select(d => d.Id).Concat(["j1", "j2", "j4", "t1", "u1", "u2", "u3", "u5"])
            .Concat(truncatedDocs.Take(survivors).Select(d => d.Id)).ToList();
        var expected = new List<DataQualityIssue>
        {
            new(shards[1], 3, DataQualityReasons.InvalidJson, ""),
            new(shards[2], 2, DataQualityReasons.MissingText, "no 'text' field"),
            new(shards[3], 4, DataQualityReasons.InvalidUtf8, "invalid UTF-8 at byte 19 of the line"),
            new(shards[4], survivors + 1, DataQualityReasons.Truncated, ""),
            new(shards[5], 0, DataQualityReasons.EmptyShard, "the shard has no lines"),
        };
        return new Corpus(shards, goodIds, expected);
    }

    /// <summary>The lines a plain <see cref="System.IO.Compression.GZipStream"/> decompresses from a cut .gz before it
    /// throws or ends, counting only those that end in '\n' (the last, cut inside, is not a document).</summary>
    static int CompleteLinesBeforeTheCut(string path)
    {
        using var gzip = new System.IO.Compression.GZipStream(File.OpenRead(path), System.IO.Compression.CompressionMode.Decompress);
        var text = new MemoryStream();
        var buffer = new byte[4096];
        try
        {
            for (int n; (n = gzip.Read(buffer)) > 0;) text.Write(buffer, 0, n);
        }
        catch (InvalidDataException) { }   // the cut: what came before it stays
        return text.ToArray().Count(b => b == (byte)'\n');
    }

    [Fact]
    public async Task Each_kind_of_bad_data_is_recorded_once_and_the_good_documents_still_arrive()
    {
        using var dir = new ArtifactTempDir();
        var corpus = Write(dir);
        var log = new DataQualityLog();

        var read = DataFiles.Source(corpus.Shards, log).Documents().ToList();

        Assert.Equal(corpus.GoodIds, DataFiles.Ids(read));
        Assert.True(corpus.GoodIds.Count > 20); // the truncated shard kept its first documents
        Assert.Equal(corpus.Expected.Select(i => (i.Shard, i.Line, i.Reason)), log.Issues.Select(i => (i.Shard, i.Line, i.Reason)));
        foreach (var (expected, actual) in corpus.Expected.Zip(log.Issues))
            if (expected.Detail != "") Assert.Equal(expected.Detail, actual.Detail);
        Assert.Equal(5, log.Total);
        Assert.All(log.CountsByReason.Values, n => Assert.Equal(1, n));

        var path = dir.File("run", "data_quality.arrow");
        await log.WriteAsync(path);
        using var reader = new ArrowFileReader(File.OpenRead(path));
        using var batch = await reader.ReadNextRecordBatchAsync();
        Assert.Equal(["shard", "line", "reason", "detail"], reader.Schema.FieldsList.Select(f => f.Name));
        Assert.Equal(5, batch.Length);
        Assert.Equal(corpus.Expected.Select(i => i.Reason),
            Enumerable.Range(0, 5).Select(i => ((StringArray)batch.Column("reason")).GetString(i)));
        Assert.Equal(corpus.Expected.Select(i => i.Line),
            Enumerable.Range(0, 5).Select(i => ((Int64Array)batch.Column("line")).GetValue(i)!.Value));
    }

    [Fact]
    public void Strict_stops_at_the_first_issue_with_its_position_and_reason()
    {
        using var dir = new ArtifactTempDir();
        var corpus = Write(dir);
        var log = new DataQualityLog();
        var delivered = new List<Document>();

        var e = Assert.Throws<DataException>(() =>
        {
            foreach (var d in DataFiles.Source(corpus.Shards, log, strict: true).Documents()) delivered.Add(d);
        });

        Assert.StartsWith($"{corpus.Shards[1]}:3: invalid_json: ", e.Message);
        Assert.Equal(corpus.Expected[0].Reason, e.Issue!.Reason);
        Assert.Equal(1, log.Total); // recorded before stopping, so the table shows it
        // The five good documents and j1: a block is read whole (with the issues right after it)
        // before it is delivered, so with blocks of one the issue after j2 stops j2's block.
        Assert.Equal([.. corpus.GoodIds.Take(5), "j1"], DataFiles.Ids(delivered));
    }

    [Fact]
    public void A_gzip_shard_corrupt_in_the_middle_is_recorded_once_as_corrupt_compressed_and_the_next_shard_still_arrives()
    {
        using var dir = new ArtifactTempDir();
        var before = DataFiles.Docs("c", 300, textLength: 100);
        var after = DataFiles.Docs("lost", 300, textLength: 100, seed: 1);
        var good = DataFiles.Docs("g", 7, seed: 2);
        var corrupt = dir.File("1-corrupt.json.gz");
        File.WriteAllBytes(corrupt, DataFiles.GzipCorruptAfter(DataFiles.Lines(before), DataFiles.Lines(after)));
        string[] shards = [corrupt, DataFiles.Write(dir.File("2-good.jsonl"), DataFiles.Lines(good))];
        var log = new DataQualityLog();

        var read = DataFiles.Source(shards, log).Documents().ToList();

        // Every line before the corruption, none after it, then the next shard whole.
        Assert.Equal([.. before.Select(d => d.Id), .. good.Select(d => d.Id)], DataFiles.Ids(read));
        var issue = Assert.Single(log.Issues);
        Assert.Equal((corrupt, 301L, DataQualityReasons.CorruptCompressed), (issue.Shard, issue.Line, issue.Reason));
        Assert.StartsWith("corrupt gzip data after 300 complete lines", issue.Detail);

        var strict = new DataQualityLog();
        var e = Assert.Throws<DataException>(() => DataFiles.Source(shards, strict, strict: true).Documents().ToList());
        Assert.StartsWith($"{corrupt}:301: corrupt_compressed: ", e.Message);
        // The detail says what a lenient source does ("the rest of the shard is skipped"); the stop says it stops instead.
        Assert.Contains("the rest of the shard is skipped", e.Message);
        Assert.EndsWith(" (strict: true: the run stops at the first data-quality issue instead)", e.Message);
        Assert.Equal(1, strict.Total);
    }

    /// <summary>A run's warning and bench data's (and the data commands', through the same <see cref="DataQualityLog.Counts"/>)
    /// say the counts by reason in one wording: bench data said "1,201 bad line(s) or shard(s) (a 1,200, b 1; ...", a run
    /// "1201 data-quality issue(s): a 1200, b 1 (...)", without the thousands separators its other counts have.</summary>
    [Fact]
    public void The_counts_by_reason_are_one_wording_for_a_run_and_bench_data()
    {
        var log = new DataQualityLog(maxRecorded: 3);
        Assert.Null(log.Summary("data_quality.arrow"));
        Assert.Null(Retention.Benchmarks.DataBench.BadData(log));
        for (var i = 0; i < 1200; i++) log.Record(new DataQualityIssue("s.jsonl", i + 1, "a", "bad"));
        log.Record(new DataQualityIssue("t.jsonl", 0, "b", "empty"));

        const string counts = "1,201 data-quality issues: a 1,200, b 1";
        Assert.Equal(counts, log.Counts());
        Assert.Equal($"{counts} (data_quality.arrow)", log.Summary("data_quality.arrow"));
        Assert.Equal($"the sources hold {counts} (their lines and shards skipped in every measurement: the figures are of the rest); " +
            "the first: s.jsonl:1: a: bad", Retention.Benchmarks.DataBench.BadData(log));
    }

    [Fact]
    public void The_log_keeps_exact_counts_beyond_its_row_cap()
    {
        var log = new DataQualityLog(maxRecorded: 3);
        for (var i = 0; i < 10; i++) log.Record(new DataQualityIssue("s", i, i % 2 == 0 ? "a" : "b", ""));
        Assert.Equal(3, log.Issues.Count);
        Assert.Equal(10, log.Total);
        Assert.Equal(5, log.CountsByReason["a"]);
        Assert.Equal(5, log.CountsByReason["b"]);
    }
}
