namespace Retention.Tests.Pipeline;

/// <summary>A seeded one-shard text corpus and the shipped byte-level tokenizer, for OLMo runs in tests.</summary>
static class TinyCorpus
{
    /// <summary>Writes <c>shards/a.jsonl</c> (200 documents of 30 common words) under <paramref name="dir"/>;
    /// a source reads it as <c>shards/*.jsonl</c> with <paramref name="dir"/> as the data directory.</summary>
    public static void WriteShard(string dir)
    {
        Directory.CreateDirectory(Path.Combine(dir, "shards"));
        var words = "the of and to in is was he for it with as his on be at by had".Split(' ');
        var rng = new Random(1);
        File.WriteAllLines(Path.Combine(dir, "shards", "a.jsonl"), Enumerable.Range(0, 200).Select(i =>
            System.Text.Json.JsonSerializer.Serialize(new { id = $"d{i}", text = string.Join(' ', Enumerable.Range(0, 30).Select(_ => words[rng.Next(words.Length)])) })));
    }

    /// <summary>The YAML flow mapping of the byte-level tokenizer in pipelines/tokenizers, by absolute paths.</summary>
    public static string ByteTokenizerYaml()
    {
        string tokenizers = Path.Combine(RepoFiles.PipelinesDirectory, "tokenizers");
        return $"{{kind: bpe, path: '{tokenizers}/bytes-vocab.json', merges_path: '{tokenizers}/bytes-merges.txt'}}";
    }
}
