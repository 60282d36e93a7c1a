using Retention.Tests.Pipeline;

namespace Retention.Tests.Host;

/// <summary>The data commands as a user meets them: option values out of range, a broken tokenizer file,
/// and token files read back by a pipeline that names another tokenizer than the one that wrote them.</summary>
public class DataCommandTests() : InTempFolder("data-cli-")
{
    static readonly TimeSpan Limit = TimeSpan.FromMinutes(2);

    static string Tokenizers => Path.Combine(RepoFiles.PipelinesDirectory, "tokenizers");

    [Theory]
    [InlineData("data brown --docs-per-shard 0", "--docs-per-shard")]
    [InlineData("data sample x.txt --docs 0 --out s", "--docs")]
    [InlineData("data tokenize shards --out t --dtype int8", "--dtype")]
    [InlineData("data tokenize shards --out t --tokenizer nope", "--tokenizer")]
    [InlineData("data tokenize shards --out t --tokens-per-file 0", "--tokens-per-file")]
    [InlineData("data tokenize shards --out t --tokenizer bpe", "--tokenizer-path")]
    [InlineData("data tokenize shards --out t --tokenizer gpt2 --tokenizer-path v.json", "--tokenizer-path")]
    [InlineData("data tokenize shards --out t --tokenizer huggingface --tokenizer-path t.json --merges-path m.txt", "--merges-path")]
    [InlineData("bench data --threads 0", "--threads")]
    [InlineData("bench data --task-frequency 2", "--task-frequency")]
    [InlineData("bench train --batch-size 0", "--batch-size")]
    [InlineData("bench train --steps 0", "--steps")]
    [InlineData("bench synthetic --tasks 0", "--tasks")]
    [InlineData("bench synthetic --widths 4,x", "--widths")]
    [InlineData("bench synthetic --widths 4,8,4", "--widths: 4 is given twice, in '4,8,4'")]
    [InlineData("bench synthetic --seeds 1,1", "--seeds: 1 is given twice")]
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

    /// <summary>An --out that `data brown` cannot write is refused before the package is fetched: the download (network,
    /// cache) would otherwise come first and fail for its own reason, or take its time only to be refused.</summary>
    [Theory]
    [InlineData("o", "--out o is a file: name a folder")]
    [InlineData(".", "--out . is the current folder")]
    public void Data_brown_refuses_an_out_it_cannot_write_before_fetching_anything(string outDir, string expected)
    {
        File.WriteAllText(Path.Combine(dir, "o"), "a file");
        var (exit, _, err) = CliProcess.Run(dir, Limit, "data", "brown", "--out", outDir, "--cache", "cache");
        Assert.True(exit == 2, err);
        Assert.Contains(expected, err);
        Assert.False(Path.Exists(Path.Combine(dir, "cache")), "the package was fetched first");
    }

    [Theory]
    [InlineData("data tokenize data/nothere.json.gz --out x", "no such shard or list file: '{dir}/data/nothere.json.gz'")]
    [InlineData("data tokenize data/nothere/*.json.gz --out x", "'data/nothere/*.json.gz' matches no shard file")]
    [InlineData("data sample data/nothere.txt --docs 3 --out x", "no such shard or list file: '{dir}/data/nothere.txt'")]
    [InlineData("data tokenize data/sub/a.jsonl --out x --tokenizer bpe --tokenizer-path nope.json --merges-path m.txt", "--tokenizer-path nope.json: no such file '{dir}/nope.json'")]
    [InlineData("data tokenize data/sub/a.jsonl --out x --tokenizer huggingface --tokenizer-path data/sub/a.jsonl", "--tokenizer huggingface --tokenizer-path data/sub/a.jsonl: ")]
    [InlineData("data tokenize data/sub/a.jsonl --out x --tokenizer huggingface --tokenizer-path data/sub", "--tokenizer-path data/sub: '{dir}/data/sub' is a folder: name the tokenizer.json in it")]
    [InlineData("data tokenize data/sub/a.jsonl --out x --tokenizer bpe --tokenizer-path data/sub/a.jsonl --merges-path data", "--merges-path data: '{dir}/data' is a folder: name the merges.txt in it")]
    [InlineData("data tokenize data --out x", "it has subfolders (e.g. 'sub'), whose files a folder does not include: name a subfolder, or a glob that reaches into them such as 'data/**/*'")]
    [InlineData("data tokenize tokens --out x", "'part-00000.npy': `data tokenize` and `data sample` read Dolma JSON lines")]
    [InlineData("data sample tokens/* --docs 3 --out x", "'part-00000.npy': `data tokenize` and `data sample` read Dolma JSON lines")]
    public void Sources_or_tokenizer_files_that_are_not_there_are_usage_errors_in_command_line_terms(string command, string expected)
    {
        Directory.CreateDirectory(Path.Combine(dir, "data", "sub"));
        File.WriteAllText(Path.Combine(dir, "data", "sub", "a.jsonl"), "{\"text\":\"x\"}\n");
        Directory.CreateDirectory(Path.Combine(dir, "tokens"));
        File.WriteAllBytes(Path.Combine(dir, "tokens", "part-00000.npy"), [1, 0, 2, 0]);   // a token folder, no manifest: nothing else to name
        var (exit, _, err) = CliProcess.Run(dir, Limit, command.Split(' '));
        Assert.True(exit == 2, err);
        Assert.Contains(expected.Replace("{dir}", dir), err);
        Assert.DoesNotContain("format: dolma", err);   // a YAML key means nothing on the command line
        Assert.DoesNotContain("   at ", err);
        Assert.False(Path.Exists(Path.Combine(dir, "x")));
    }

    [Fact]
    public void Token_files_read_with_a_bpe_tokenizer_of_other_files_are_refused_by_validate_and_run()
    {
        // Written with a bytes vocabulary (EOS 256), read as GPT-2's BPE (EOS 50256): the packer would never find an EOS.
        TinyCorpus.WriteShard(dir);
        var tokenize = CliProcess.Run(dir, Limit, "data", "tokenize", "shards", "--out", "tokens", "--tokenizer", "bpe",
            "--tokenizer-path", Path.Combine(Tokenizers, "bytes-vocab.json"), "--merges-path", Path.Combine(Tokenizers, "bytes-merges.txt"));
        Assert.True(tokenize.Exit == 0, tokenize.Err);
        var (vocab, merges) = Retention.Data.Gpt2Vocabulary.Files();
        File.WriteAllText(Path.Combine(dir, "p.yaml"), string.Join('\n', "name: p", "experiment: data", "data:",
            "  sources: [{paths: ['tokens/*.npy'], format: pretokenized, token_dtype: uint16}]",
            $"  tokenizer: {{kind: bpe, path: '{vocab}', merges_path: '{merges}'}}", "train: {steps: 2}") + "\n");
        foreach (var command in new[] { new[] { "validate", "p.yaml" }, ["run", "p.yaml", "--no-analysis"] })
        {
            var (exit, _, err) = CliProcess.Run(dir, Limit, command);
            Assert.True(exit == 2, err);
            Assert.Contains("p.yaml:5:", err);
            Assert.Contains("data.tokenizer.path: the token files in", err);
            Assert.Contains("(vocabulary 257, EOS 256", err);
            Assert.Contains("has vocabulary 50,257, EOS 50256", err);
            Assert.Contains("set data.tokenizer.path and data.tokenizer.merges_path to the files that wrote them", err);
        }
        Assert.False(Directory.Exists(Path.Combine(dir, "artifacts")));   // nothing run
    }

    /// <summary>Dolma-like lines, written by hand (not by a serialiser, so their formatting is theirs): nested metadata,
    /// lists, nulls, numbers written as 1.50 and 1e3, escaped and unescaped unicode, fields in odd orders, a `metadata`
    /// the old sample replaced, and one line with no id.</summary>
    static string[] RichLines(string shard, int count) => [.. Enumerable.Range(0, count).Select(i => i == 3
        ? $$$$"""{"text":"no id here, line {{{{i + 1}}}} of {{{{shard}}}}","source":"web","metadata":{"shard":"theirs","line":-1}}"""
        : i % 2 == 0
            ? $$$$"""{"id":"{{{{shard}}}}-{{{{i}}}}","text":"naïve café {{{{i}}}} — 東京 🚀 \u00e9\n\"quoted\"","source":"c4","added":"2024-01-0{{{{i % 9 + 1}}}}T00:00:00Z","created":"2019-05-01","metadata":{"url":"https://example.org/{{{{i}}}}?a=1&b=2","scores":[0.5,1.50,1e3],"nested":{"deep":{"x":null,"y":[{"z":true}]}},"lang":{"en":0.98}}}"""
            : $$$$"""{ "source": "s2", "text": "Ω≈ç √∫ line {{{{i}}}}", "lang": ["en", "de"], "id": {{{{1000 + i}}}}, "attributes": {"toxicity": [[0, 5, 0.01]]} }""")];

    [Fact]
    public void Data_sample_writes_each_document_as_it_was_and_its_shard_and_line_beside_the_shards()
    {
        var shards = Directory.CreateDirectory(Path.Combine(dir, "in")).FullName;
        var input = new Dictionary<(string Shard, long Line), string>();
        foreach (var (name, count) in new[] { ("a.jsonl", 9), ("b.json.gz", 8) })
        {
            var lines = RichLines(name[..1], count);
            Retention.Tests.Data.DataFiles.Write(Path.Combine(shards, name), lines);
            // The shard as the argument spells it (the folder "in"), not by where it lies, as the ids of documents without one.
            for (var i = 0; i < lines.Length; i++) input[($"in/{name}", i + 1)] = lines[i];
        }

        var sample = CliProcess.Run(dir, Limit, "data", "sample", "in", "--docs", "17", "--out", "out", "--seed", "5", "--docs-per-shard", "5");
        Assert.True(sample.Exit == 0, sample.Err + sample.Out);
        Assert.Contains("17 documents in 4 shards", sample.Out);

        // The provenance file: one row per document, in shard and line order, naming where it came from.
        var rows = File.ReadAllLines(Path.Combine(dir, "out", "sample-provenance.csv"));
        Assert.Equal("file,line,id,shard,shard_line", rows[0]);
        var provenance = rows.Skip(1).Select(r => r.Split(',')).ToList();
        Assert.Equal(17, provenance.Count);
        Assert.Equal(input.Keys.Order(), provenance.Select(p => (p[3], long.Parse(p[4]))).Order());   // every input line once
        var written = Directory.GetFiles(Path.Combine(dir, "out"), "*.json.gz").Order().SelectMany(f =>
        {
            using var gzip = new System.IO.Compression.GZipStream(File.OpenRead(f), System.IO.Compression.CompressionMode.Decompress);
            var text = new StreamReader(gzip).ReadToEnd();
            Assert.EndsWith("\n", text);
            return text[..^1].Split('\n').Select((l, i) => (File: Path.GetFileName(f), Line: (long)(i + 1), Text: l)).ToList();
        }).ToList();
        Assert.Equal(provenance.Select(p => (p[0], long.Parse(p[1]))), written.Select(w => (w.File, w.Line)));

        foreach (var (doc, row) in written.Zip(provenance))
        {
            var original = input[(row[3], long.Parse(row[4]))];
            var expected = System.Text.Json.Nodes.JsonNode.Parse(original)!.AsObject();
            if (!expected.ContainsKey("id"))
            {
                // The one line without an id gets the id its original shard and line gave it, first; nothing else changes.
                // The shard is named as the argument spells it (the folder "in"), not by where it lies.
                var id = $"in/{Path.GetFileName(row[3])}:{row[4]}";
                Assert.Equal(id, row[2].Trim('"'));
                expected.Insert(0, "id", id);
            }
            else Assert.Equal(original, doc.Text);   // verbatim: formatting, escapes and field order included
            var actual = System.Text.Json.Nodes.JsonNode.Parse(doc.Text)!.AsObject();
            Assert.Equal(expected.Select(p => p.Key), actual.Select(p => p.Key));
            foreach (var (key, value) in expected)
                Assert.True(System.Text.Json.Nodes.JsonNode.DeepEquals(value, actual[key]), $"{doc.File}:{doc.Line}: field {key}: {actual[key]?.ToJsonString()} for {value?.ToJsonString()}");
        }

        // What reads samples still reads every document: tokenize, validate, and a run's data stage (the folder, beside the csv).
        var tokenize = CliProcess.Run(dir, Limit, "data", "tokenize", "out/*.json.gz", "--out", "tokens", "--tokenizer", "bpe",
            "--tokenizer-path", Path.Combine(Tokenizers, "bytes-vocab.json"), "--merges-path", Path.Combine(Tokenizers, "bytes-merges.txt"));
        Assert.True(tokenize.Exit == 0, tokenize.Err + tokenize.Out);
        Assert.Contains(": 17 documents,", tokenize.Out);
        Assert.DoesNotContain("skipped", tokenize.Err);
        File.WriteAllText(Path.Combine(dir, "p.yaml"), string.Join('\n', "name: p", "experiment: data", "data:",
            "  sources: [{paths: [out], shuffle_buffer: 1, epochs: 0}]", $"  tokenizer: {TinyCorpus.ByteTokenizerYaml()}",
            "  packing: {seq_len: 32, batch_size: 4, held_out_every: 0}", "train: {steps: 40}") + "\n");
        var validate = CliProcess.Run(dir, Limit, "validate", "p.yaml");
        Assert.True(validate.Exit == 0, validate.Err + validate.Out);
        var run = CliProcess.Run(dir, Limit, "run", "p.yaml", "--no-analysis");
        Assert.True(run.Exit == 0, run.Err + run.Out);
        var runDir = Path.Combine(dir, "artifacts", "p", "runs", "default");
        Assert.Empty(ArrowRows.Read(Path.Combine(runDir, "data_quality.arrow")));   // no line of the sample was bad
        Assert.True(ArrowRows.Read(Path.Combine(runDir, "sources.arrow")).Max(r => (long)r["documents"]!) > 17);   // past a whole pass
    }

    /// <summary>data tokenize says the lines it skipped in a run's wording (DataQualityLog.Counts): it said "skipped 2 bad
    /// line(s) or shard(s): invalid_json 2".</summary>
    [Fact]
    public void Data_tokenize_counts_the_lines_it_skipped_as_a_run_does()
    {
        Directory.CreateDirectory(Path.Combine(dir, "shards"));
        File.WriteAllLines(Path.Combine(dir, "shards", "a.jsonl"), ["{\"id\": \"d0\", \"text\": \"a b\"}", "not json", "{\"id\": \"d1\"", "{\"id\": \"d2\", \"text\": \"c\"}"]);
        var (exit, output, err) = CliProcess.Run(dir, Limit, "data", "tokenize", "shards/a.jsonl", "--out", "tokens", "--tokenizer", "bpe",
            "--tokenizer-path", Path.Combine(Tokenizers, "bytes-vocab.json"), "--merges-path", Path.Combine(Tokenizers, "bytes-merges.txt"));
        Assert.True(exit == 0, err + output);
        Assert.Contains("warning: 2 data-quality issues: invalid_json 2 (their lines and shards skipped); the first: shards/a.jsonl:2: invalid_json: ", err);
        Assert.DoesNotContain("data-quality", output);   // a warning, on stderr
        Assert.Contains("1 file in tokens: 2 documents,", output);   // "1 file(s) in" before
    }

    [Fact]
    public void A_broken_tokenizer_file_is_named_by_tokenize_and_by_validate()
    {
        TinyCorpus.WriteShard(dir);
        File.WriteAllText(Path.Combine(dir, "vocab.json"), "{'not json");
        var tokenize = CliProcess.Run(dir, Limit, "data", "tokenize", "shards", "--out", "t", "--tokenizer", "bpe",
            "--tokenizer-path", "vocab.json", "--merges-path", Path.Combine(Tokenizers, "bytes-merges.txt"));
        Assert.Equal(2, tokenize.Exit);   // invalid input, nothing run
        Assert.Contains("--tokenizer-path vocab.json", tokenize.Err);
        Assert.False(Directory.Exists(Path.Combine(dir, "t")));
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
        Assert.Contains("cannot occur in uint16 token files", wrong.Err);
        // The setting it names is the one that wrote them, files included, and pasted it validates: it said only
        // "set data.tokenizer.kind: bpe", which was refused next for want of a path that only pretokenized.json named.
        var hint = System.Text.RegularExpressions.Regex.Match(wrong.Err, @"set data\.tokenizer: (\{kind: bpe, path: '[^']*', merges_path: '[^']*'\})");
        Assert.True(hint.Success, wrong.Err);
        File.WriteAllText(Path.Combine(dir, "p.yaml"), Pipeline($"  tokenizer: {hint.Groups[1].Value}"));
        var pasted = CliProcess.Run(dir, Limit, "validate", "p.yaml");
        Assert.True(pasted.Exit == 0, pasted.Err);

        File.WriteAllText(Path.Combine(dir, "p.yaml"), Pipeline(
            $"  tokenizer: {{kind: bpe, path: '{Tokenizers}/bytes-vocab.json', merges_path: '{Tokenizers}/bytes-merges.txt'}}"));
        var right = CliProcess.Run(dir, Limit, "validate", "p.yaml");
        Assert.True(right.Exit == 0, right.Err);
    }

    [Fact]
    public void Tokenizes_closing_hint_reads_the_files_from_a_pipeline_in_another_folder()
    {
        // A pipeline's relative paths resolve against its file's folder, not where tokenize ran: the hint's paths must not be relative.
        TinyCorpus.WriteShard(dir);
        File.Copy(Path.Combine(Tokenizers, "bytes-vocab.json"), Path.Combine(dir, "vocab.json"));
        File.Copy(Path.Combine(Tokenizers, "bytes-merges.txt"), Path.Combine(dir, "merges.txt"));
        // A folder name with a quote and brackets: the hint was '.../bob's tok[1]/*.npy', not YAML, and a glob matching nothing.
        var tokenize = CliProcess.Run(dir, Limit, "data", "tokenize", "shards", "--out", "bob's tok[1]", "--tokenizer", "bpe",
            "--tokenizer-path", "vocab.json", "--merges-path", "merges.txt");
        Assert.True(tokenize.Exit == 0, tokenize.Err);
        var hint = tokenize.Out.Split('\n').Single(l => l.Contains("read them with ")).Trim();
        var data = hint[(hint.IndexOf("read them with ", StringComparison.Ordinal) + "read them with ".Length)..];
        Directory.CreateDirectory(Path.Combine(dir, "experiments"));
        File.WriteAllText(Path.Combine(dir, "experiments", "p.yaml"), $"name: p\nexperiment: data\n{data}\n");
        var validate = CliProcess.Run(dir, Limit, "validate", Path.Combine("experiments", "p.yaml"));
        Assert.True(validate.Exit == 0, hint + "\n" + validate.Err);
    }
}
