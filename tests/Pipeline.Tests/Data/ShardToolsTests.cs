using System.IO.Compression;
using System.Text.Json;
using Retention.Data;
using Retention.Data.Corpus;
using Retention.Tests.Pipeline;

namespace Retention.Tests.Data;

/// <summary>`data tokenize` and `data sample`: what they write, read back independently.</summary>
public class ShardToolsTests() : InTempFolder("shard-tools-")
{
    static readonly TextTokenizer Bytes = TextTokenizer.Create(new TokenizerSpec
    {
        Kind = "bpe", Path = Path.Combine(RepoFiles.PipelinesDirectory, "tokenizers", "bytes-vocab.json"),
        MergesPath = Path.Combine(RepoFiles.PipelinesDirectory, "tokenizers", "bytes-merges.txt"),
    });

    static byte[] Shard(IEnumerable<(string Id, string Text)> docs)
    {
        using var memory = new MemoryStream();
        using (var gzip = new GZipStream(memory, CompressionLevel.Fastest, leaveOpen: true))
        using (var writer = new StreamWriter(gzip))
            foreach (var (id, text) in docs) writer.WriteLine(JsonSerializer.Serialize(new { id, text, source = "t" }));
        return memory.ToArray();
    }

    [Fact]
    public void Tokenized_files_hold_every_document_whole_in_shard_order_each_file_ending_with_an_eos()
    {
        TinyCorpus.WriteShard(dir);
        var texts = File.ReadLines(Path.Combine(dir, "shards", "a.jsonl")).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("text").GetString()!).ToList();
        var expected = texts.SelectMany(t => Bytes.Encode(t).Append(Bytes.EosId)).ToList();
        int longest = texts.Max(t => Bytes.Encode(t).Length) + 1;

        var manifest = new PretokenizedManifest("bpe", null, Bytes.EosId, Bytes.VocabSize, "uint16");
        var result = ShardTools.Tokenize(["shards/a.jsonl"], dir, Bytes, Path.Combine(dir, "tokens"), TokenDtype.UInt16, tokensPerFile: 5000,
            threads: 2, new DataQualityLog(), manifest: manifest);
        Assert.Equal(200, result.Documents);
        Assert.Equal(expected.Count, result.Tokens);
        Assert.True(result.Files.Count > 1);
        // A file closes after the document that brings it to 5,000 tokens: never fewer (but the last), never a whole document more.
        Assert.All(result.Files.SkipLast(1), f => Assert.InRange(new FileInfo(f).Length / 2, 5000, 5000 + longest - 1));
        Assert.All(result.Files, f =>
        {
            var bytes = File.ReadAllBytes(f);
            Assert.Equal(Bytes.EosId, BitConverter.ToUInt16(bytes, bytes.Length - 2));   // no document continues in the next file
        });
        Assert.Empty(Directory.GetFiles(Path.Combine(dir, "tokens"), "*.tmp"));
        Assert.Equal(manifest, PretokenizedManifest.Read(Path.Combine(dir, "tokens")));
        // Read back as the runs read pre-tokenized files, in name order.
        var source = new PretokenizedSource(ShardList.Expand(result.Files, dir, PretokenizedSource.IsTokenFileName), TokenDtype.UInt16, new DataQualityLog());
        Assert.Equal(expected, source.ReadTokens().SelectMany(c => c.Tokens));
    }

    [Fact]
    public void Tokenizing_again_into_the_same_folder_leaves_none_of_the_earlier_files()
    {
        TinyCorpus.WriteShard(dir);
        var outDir = Path.Combine(dir, "tokens");
        var many = ShardTools.Tokenize(["shards/a.jsonl"], dir, Bytes, outDir, TokenDtype.UInt16, tokensPerFile: 2000, threads: 1, new DataQualityLog());
        File.WriteAllText(Path.Combine(outDir, "notes.txt"), "a user's file");
        File.WriteAllText(Path.Combine(outDir, "part-0-00000.npy"), "another tool's tokens");
        var few = ShardTools.Tokenize(["shards/a.jsonl"], dir, Bytes, outDir, TokenDtype.UInt32, tokensPerFile: 1_000_000, threads: 1, new DataQualityLog());
        Assert.True(many.Files.Count > 2);
        Assert.Single(few.Files);
        Assert.Equal(few.Files.Append(Path.Combine(outDir, "part-0-00000.npy")).Order(), Directory.GetFiles(outDir, "*.npy").Order());   // the earlier uint16 parts are gone
        Assert.True(File.Exists(Path.Combine(outDir, "notes.txt")));               // and nothing it did not write

        // Writing into the folder being read would replace the sources: refused before anything is written.
        var e = Assert.Throws<ArgumentException>(() =>
            ShardTools.Tokenize(["shards/a.jsonl"], dir, Bytes, Path.Combine(dir, "shards"), TokenDtype.UInt16, 1000, 1, new DataQualityLog()));
        Assert.Contains("holds a source being read (a.jsonl)", e.Message);
        Assert.Equal(["a.jsonl"], Directory.GetFiles(Path.Combine(dir, "shards")).Select(Path.GetFileName));
    }

    [Fact]
    public async Task A_sample_into_a_link_to_the_folder_it_reads_is_refused_as_the_folder_itself_is()
    {
        // An earlier sample, read again through one name and written through another: the new sample would replace it.
        TinyCorpus.WriteShard(dir);
        var samples = Path.Combine(dir, "samples");
        var earlier = await ShardTools.SampleAsync(["shards/a.jsonl"], dir, 200, samples, seed: 0, perShard: 50, new DataQualityLog());
        Directory.CreateSymbolicLink(Path.Combine(dir, "linked"), samples);
        foreach (var (from, to) in new[] { ("samples/*.json.gz", "linked"), ("linked/*.json.gz", "samples") })
        {
            var e = await Assert.ThrowsAsync<ArgumentException>(() =>
                ShardTools.SampleAsync([from], dir, 10, Path.Combine(dir, to), seed: 0, perShard: 50, new DataQualityLog()));
            Assert.Contains("holds a source being read (sample-0000.json.gz)", e.Message);
        }
        Assert.Equal(earlier.Shards, Directory.GetFiles(samples, "*.json.gz").Order());
    }

    [Fact]
    public void A_vocabulary_beyond_uint16_needs_uint32()
    {
        var e = Assert.Throws<ArgumentException>(() => ShardTools.Tokenize(["x"], dir, TextTokenizer.Create(new TokenizerSpec()), dir, TokenDtype.UInt16, 10, 1, new DataQualityLog()));
        Assert.Contains("uint32", e.Message);
    }

    [Fact]
    public async Task A_sample_of_a_url_list_over_http_is_the_same_for_the_same_seed()
    {
        var files = Enumerable.Range(0, 4).ToDictionary(s => $"shard-{s}.json.gz",
            s => Shard(Enumerable.Range(0, 60).Select(d => ($"s{s}-{d}", $"document {d} of shard {s}"))));
        await using var server = new LoopbackHttpServer(files);
        File.WriteAllLines(Path.Combine(dir, "urls.txt"), files.Keys.Select(server.Url));

        var first = await ShardTools.SampleAsync(["urls.txt"], dir, 150, Path.Combine(dir, "a"), seed: 3, perShard: 60, new DataQualityLog());
        var again = await ShardTools.SampleAsync(["urls.txt"], dir, 150, Path.Combine(dir, "b"), seed: 3, perShard: 60, new DataQualityLog());
        var other = await ShardTools.SampleAsync(["urls.txt"], dir, 150, Path.Combine(dir, "c"), seed: 4, perShard: 60, new DataQualityLog());
        Assert.Equal(3, first.Shards.Count);                                            // 60 + 60 + 30
        Assert.Equal(150, first.Documents);
        static List<string> Ids(IEnumerable<string> shards) => [.. shards.SelectMany(s =>
        {
            using var gz = new GZipStream(File.OpenRead(s), CompressionMode.Decompress);
            return new StreamReader(gz).ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Select(l => JsonDocument.Parse(l).RootElement.GetProperty("id").GetString()!).ToList();
        })];
        var ids = Ids(first.Shards);
        Assert.Equal(150, ids.Count);
        Assert.Equal(150, ids.Distinct().Count());
        Assert.Equal(ids, Ids(again.Shards));
        Assert.NotEqual(ids, Ids(other.Shards));
        Assert.All(ids, id => Assert.Matches(@"^s[0-3]-\d+$", id));

        // More than the sources hold: all of them, and the count says so; a smaller sample then replaces the larger one whole.
        var all = await ShardTools.SampleAsync(["urls.txt"], dir, 1000, Path.Combine(dir, "a"), seed: 3, perShard: 60, new DataQualityLog());
        Assert.Equal(240, all.Documents);
        var small = await ShardTools.SampleAsync(["urls.txt"], dir, 10, Path.Combine(dir, "a"), seed: 3, perShard: 60, new DataQualityLog());
        Assert.Equal(small.Shards, Directory.GetFiles(Path.Combine(dir, "a"), "*.json.gz"));
        Assert.Equal(10, Ids(small.Shards).Count);
    }

    [Fact]
    public async Task A_sampled_document_the_reader_named_carries_that_name_so_the_samples_ids_are_the_corpuss()
    {
        // Lines whose id the reader takes (a string, a number) and lines it names "<shard>:<line>": no id, a null one, a boolean,
        // an empty string (taken as an id, every such line was one document to the held-out split).
        Directory.CreateDirectory(Path.Combine(dir, "noid"));
        File.WriteAllLines(Path.Combine(dir, "noid", "a.jsonl"), [
            """{"id":"x1","text":"has an id"}""",
            """{"text":"no id","source":"s"}""",
            """{"id" :  null, "text":"null id", "metadata":{"id":null}}""",
            """{"text":"boolean id","id":true}""",
            """{"id":7,"text":"number id"}""",
            """{"id":"","text":"empty id"}""",
        ]);
        await ShardTools.SampleAsync(["noid/a.jsonl"], dir, 6, Path.Combine(dir, "s"), seed: 0, perShard: 10, new DataQualityLog());

        static List<string> Ids(string path, string baseDirectory) => [.. DocumentSource.Create(new DataSourceSpec { Paths = [path], ShuffleBuffer = 1 },
            baseDirectory, 0, new DataQualityLog()).Documents().Select(d => d.Id).Order(StringComparer.Ordinal)];
        string[] expected = ["7", "noid/a.jsonl:2", "noid/a.jsonl:3", "noid/a.jsonl:4", "noid/a.jsonl:6", "x1"];
        Assert.Equal(expected, Ids("noid/a.jsonl", dir));
        Assert.Equal(expected, Ids("s", dir));   // read from the sample, every document keeps the corpus's id

        using var gzip = new GZipStream(File.OpenRead(Path.Combine(dir, "s", "sample-0000.json.gz")), CompressionMode.Decompress);
        var lines = new StreamReader(gzip).ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        // The id goes where the null was; the rest of the line, the nested null id included, is as it was.
        Assert.Contains("""{"id" :  "noid/a.jsonl:3", "text":"null id", "metadata":{"id":null}}""", lines);
        Assert.Contains("""{"text":"boolean id","id":"noid/a.jsonl:4"}""", lines);
        Assert.Contains("""{"id":"noid/a.jsonl:2","text":"no id","source":"s"}""", lines);
        Assert.Contains("""{"id":7,"text":"number id"}""", lines);
        Assert.Contains("""{"id":"noid/a.jsonl:6","text":"empty id"}""", lines);
        var provenance = File.ReadAllLines(Path.Combine(dir, "s", SampleDocuments.ProvenanceFile)).Skip(1).Select(r => r.Split(',')[2]);
        Assert.Equal(expected, provenance.Order(StringComparer.Ordinal));
    }
}
