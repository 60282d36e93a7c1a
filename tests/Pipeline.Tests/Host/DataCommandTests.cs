using Retention.Tests.Pipeline;

namespace Retention.Tests.Host;

/// <summary>The data commands as a user meets them: option values out of range, a broken tokenizer file,
/// and token files read back by a pipeline that names another tokenizer than the one that wrote them.</summary>
public class DataCommandTests : IDisposable
{
    static readonly TimeSpan Limit = TimeSpan.FromMinutes(2);
    readonly string dir = Directory.CreateTempSubdirectory("data-cli-").FullName;
    public void Dispose() => Directory.Delete(dir, recursive: true);

    static string Tokenizers => Path.Combine(RepoFiles.PipelinesDirectory, "tokenizers");

    [Theory]
    [InlineData("data brown --docs-per-shard 0", "--docs-per-shard")]
    [InlineData("data sample x.txt --docs 0 --out s", "--docs")]
    [InlineData("data tokenize shards --out t --dtype int8", "--dtype")]
    [InlineData("data tokenize shards --out t --tokenizer nope", "--tokenizer")]
    [InlineData("data tokenize shards --out t --tokens-per-file 0", "--tokens-per-file")]
    [InlineData("data tokenize shards --out t --tokenizer bpe", "--tokenizer-path")]
    [InlineData("bench data --threads 0", "--threads")]
    [InlineData("bench data --task-frequency 2", "--task-frequency")]
    [InlineData("bench train --batch-size 0", "--batch-size")]
    [InlineData("bench train --steps 0", "--steps")]
    [InlineData("bench synthetic --tasks 0", "--tasks")]
    [InlineData("bench synthetic --widths 4,x", "--widths")]
    [InlineData("bench synthetic --steps -5", "--steps")]
    [InlineData("bench query --runs 0", "--runs")]
    public void An_option_out_of_range_is_a_usage_error_naming_it_before_any_work(string command, string option)
    {
        var (exit, _, err) = CliProcess.Run(dir, Limit, command.Split(' '));
        Assert.True(exit == 2, err);
        Assert.Contains(option, err);
        Assert.DoesNotContain("   at ", err);
        Assert.Empty(Directory.GetFileSystemEntries(dir));   // nothing fetched or written
    }

    [Fact]
    public void Data_sample_keeps_id_text_source_and_a_metadata_naming_the_shard_and_line_of_each_document()
    {
        // Two shards whose lines carry Dolma's other fields (added, their own metadata), which the sample drops.
        var shards = Directory.CreateDirectory(Path.Combine(dir, "in")).FullName;
        var expected = new Dictionary<string, (string Text, string Source, string Shard, long Line)>();
        foreach (var (name, count) in new[] { ("a.jsonl", 30), ("b.json.gz", 25) })
        {
            var docs = Retention.Tests.Data.DataFiles.Docs(name[..1], count, seed: count);
            var path = Retention.Tests.Data.DataFiles.Write(Path.Combine(shards, name), Retention.Tests.Data.DataFiles.Lines(docs, source: $"src-{name[..1]}"));
            for (var i = 0; i < docs.Count; i++) expected[docs[i].Id] = (docs[i].Text, $"src-{name[..1]}", path, i + 1);
        }

        var sample = CliProcess.Run(dir, Limit, "data", "sample", "in", "--docs", "40", "--out", "out", "--seed", "5", "--docs-per-shard", "15");
        Assert.True(sample.Exit == 0, sample.Err + sample.Out);

        var written = Directory.GetFiles(Path.Combine(dir, "out"), "*.json.gz").Order().SelectMany(f =>
        {
            using var gzip = new System.IO.Compression.GZipStream(File.OpenRead(f), System.IO.Compression.CompressionMode.Decompress);
            return new StreamReader(gzip).ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Select(l => System.Text.Json.JsonDocument.Parse(l).RootElement.Clone()).ToList();
        }).ToList();
        Assert.Equal(40, written.Count);
        Assert.Equal(40, written.Select(d => d.GetProperty("id").GetString()).Distinct().Count());
        foreach (var doc in written)
        {
            Assert.Equal(["id", "text", "source", "metadata"], doc.EnumerateObject().Select(p => p.Name));
            var (text, source, shard, line) = expected[doc.GetProperty("id").GetString()!];
            Assert.Equal(text, doc.GetProperty("text").GetString());
            Assert.Equal(source, doc.GetProperty("source").GetString());
            var metadata = doc.GetProperty("metadata");
            Assert.Equal(["shard", "line"], metadata.EnumerateObject().Select(p => p.Name));
            Assert.Equal(shard, metadata.GetProperty("shard").GetString());
            Assert.Equal(line, metadata.GetProperty("line").GetInt64());
        }
        Assert.Equal(2, written.Select(d => d.GetProperty("metadata").GetProperty("shard").GetString()).Distinct().Count());   // both shards sampled
    }

    [Fact]
    public void A_broken_tokenizer_file_is_named_by_tokenize_and_by_validate()
    {
        TinyCorpus.WriteShard(dir);
        File.WriteAllText(Path.Combine(dir, "vocab.json"), "{'not json");
        var tokenize = CliProcess.Run(dir, Limit, "data", "tokenize", "shards", "--out", "t", "--tokenizer", "bpe",
            "--tokenizer-path", "vocab.json", "--merges-path", Path.Combine(Tokenizers, "bytes-merges.txt"));
        Assert.Equal(1, tokenize.Exit);
        Assert.Contains(Path.Combine(dir, "vocab.json"), tokenize.Err);
        Assert.DoesNotContain("Unhandled", tokenize.Err);

        File.WriteAllText(Path.Combine(dir, "p.yaml"), string.Join('\n', "name: p", "experiment: data",
            "data:", "  sources: [{paths: ['shards/*.jsonl']}]",
            $"  tokenizer: {{kind: bpe, path: vocab.json, merges_path: '{Tokenizers}/bytes-merges.txt'}}") + "\n");
        var validate = CliProcess.Run(dir, Limit, "validate", "p.yaml");
        Assert.Equal(2, validate.Exit);
        Assert.Contains("p.yaml:5:", validate.Err);
        Assert.Contains("data.tokenizer.path", validate.Err);
        Assert.Contains("vocab.json", validate.Err);
    }

    [Fact]
    public void Token_files_read_with_another_tokenizer_than_wrote_them_are_refused_by_validate()
    {
        TinyCorpus.WriteShard(dir);
        var tokenize = CliProcess.Run(dir, Limit, "data", "tokenize", "shards", "--out", "tokens", "--tokenizer", "bpe",
            "--tokenizer-path", Path.Combine(Tokenizers, "bytes-vocab.json"), "--merges-path", Path.Combine(Tokenizers, "bytes-merges.txt"));
        Assert.True(tokenize.Exit == 0, tokenize.Err);
        Assert.True(File.Exists(Path.Combine(dir, "tokens", "pretokenized.json")));
        string Pipeline(string tokenizer) => string.Join('\n', "name: p", "experiment: data",
            "data:", "  sources: [{paths: ['tokens/*.npy'], format: pretokenized, token_dtype: uint16}]", tokenizer) + "\n";

        // The YAML's default tokenizer is cl100k_base: its EOS cannot even occur in uint16 files.
        File.WriteAllText(Path.Combine(dir, "p.yaml"), Pipeline(""));
        var wrong = CliProcess.Run(dir, Limit, "validate", "p.yaml");
        Assert.Equal(2, wrong.Exit);
        Assert.Contains("set data.tokenizer.kind: bpe", wrong.Err);
        Assert.Contains("cannot occur in uint16 token files", wrong.Err);

        File.WriteAllText(Path.Combine(dir, "p.yaml"), Pipeline(
            $"  tokenizer: {{kind: bpe, path: '{Tokenizers}/bytes-vocab.json', merges_path: '{Tokenizers}/bytes-merges.txt'}}"));
        var right = CliProcess.Run(dir, Limit, "validate", "p.yaml");
        Assert.True(right.Exit == 0, right.Err);
    }
}
