namespace Retention.Tests.Pipeline;

/// <summary>A seeded one-shard text corpus and the shipped byte-level tokenizer, for OLMo runs in tests.</summary>
static class TinyCorpus
{
    /// <summary>Writes <c>shards/a.jsonl</c> (200 documents of 30 common words) under <paramref name="dir"/>;
    /// a source reads it as <c>shards/*.jsonl</c> with <paramref name="dir"/> as the data directory.</summary>
    /// <param name="ids">Each line has an id (d0, d1, ...); without, the reader names them by shard and line.</param>
    public static void WriteShard(string dir, bool ids = true)
    {
        Directory.CreateDirectory(Path.Combine(dir, "shards"));
        var words = "the of and to in is was he for it with as his on be at by had".Split(' ');
        var rng = new Random(1);
        File.WriteAllLines(Path.Combine(dir, "shards", "a.jsonl"), Enumerable.Range(0, 200).Select(i =>
        {
            var text = string.Join(' ', Enumerable.Range(0, 30).Select(_ => words[rng.Next(words.Length)]));
            return ids ? System.Text.Json.JsonSerializer.Serialize(new { id = $"d{i}", text }) : System.Text.Json.JsonSerializer.Serialize(new { text });
        }));
    }

    /// <summary>A project that can be moved whole: the shard under <c>data/</c>, the byte-level tokenizer's files copied to
    /// <c>tok/</c> and an empty <c>pipelines/</c>, whose files reach the others by relative paths (<c>../data/shards/*.jsonl</c>,
    /// <c>../tok/bytes-vocab.json</c>, <c>../tok/bytes-merges.txt</c>).</summary>
    public static void WriteMovableProject(string project, bool ids = true)
    {
        WriteShard(Path.Combine(project, "data"), ids);
        Directory.CreateDirectory(Path.Combine(project, "tok"));
        foreach (var f in new[] { "bytes-vocab.json", "bytes-merges.txt" })
            File.Copy(Path.Combine(RepoFiles.PipelinesDirectory, "tokenizers", f), Path.Combine(project, "tok", f));
        Directory.CreateDirectory(Path.Combine(project, "pipelines"));
    }

    /// <summary>The YAML flow mapping of the byte-level tokenizer in pipelines/tokenizers, by absolute paths.</summary>
    public static string ByteTokenizerYaml()
    {
        string tokenizers = Path.Combine(RepoFiles.PipelinesDirectory, "tokenizers");
        return $"{{kind: bpe, path: '{tokenizers}/bytes-vocab.json', merges_path: '{tokenizers}/bytes-merges.txt'}}";
    }

    /// <summary>A one-run OLMo pipeline named "tiny" over the tiny corpus (written here under <paramref name="dir"/>): 2 layers,
    /// 16-token rows, modular addition, evaluated every 3 steps, a train row every step; <paramref name="olmoExtra"/>
    /// adds keys to its olmo mapping (", checkpoint_every: 2").</summary>
    public static string TinyOlmo(string dir, long steps = 6, string olmoExtra = "")
    {
        WriteShard(dir);
        return string.Join('\n',
            "name: tiny", "experiment: olmo", "device: cpu",
            "data:",
            "  sources: [{paths: ['shards/*.jsonl'], epochs: 0}]",
            $"  tokenizer: {ByteTokenizerYaml()}",
            "  packing: {seq_len: 16, batch_size: 4, held_out_every: 10, validation_rows: 4}",
            "  tasks: [{kind: modular_addition, frequency: 0.02}]",
            $"olmo: {{preset: 4M, layers: 2, hidden: 32, mlp_dim: 64, heads: 4, eval_every: 3, eval_instances: 16{olmoExtra}}}",
            $"train: {{steps: {steps}, lr: 0.003, warmup_steps: 1, log_every: 1}}");
    }

    /// <summary>A small OLMo sweep over the tiny corpus (write it with <see cref="WriteShard"/>): 2 layers, 16-token
    /// rows, modular addition and a gapped comparison task, 4,000 steps unless told; the lines of the YAML, to add to.</summary>
    public static string[] SmallOlmoSweep(string sweep, int checkpointEvery = 200, int steps = 4000) =>
    [
        "name: olmo", "experiment: olmo", "device: cpu",
        "data:",
        "  sources: [{paths: ['shards/*.jsonl'], epochs: 0}]",
        $"  tokenizer: {ByteTokenizerYaml()}",
        "  packing: {seq_len: 16, batch_size: 4, held_out_every: 10, validation_rows: 4}",
        "  tasks: [{kind: modular_addition, frequency: 0.02}, {kind: comparison, frequency: 0.01, gap: 7}]",
        $"olmo: {{preset: 4M, layers: 2, hidden: 32, mlp_dim: 64, heads: 4, eval_every: 250, eval_instances: 8, checkpoint_every: {checkpointEvery}}}",
        $"train: {{steps: {steps}, lr: 0.003, warmup_steps: 5, log_every: 20}}",
        $"sweep: {sweep}",
    ];
}
