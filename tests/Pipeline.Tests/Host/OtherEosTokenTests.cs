using System.Text.Json;

namespace Retention.Tests.Host;

/// <summary>
/// A Hugging Face tokenizer.json whose EOS token is not the default <c>&lt;|endoftext|&gt;</c> (here <c>&lt;/s&gt;</c>, as
/// many are). In a pipeline the error stood at data.tokenizer.path without naming the key that fixes it; it now stands at
/// data.tokenizer.eos_token (file:line) and says to set it, naming the file's added tokens. `data tokenize` had no way to
/// give the EOS token and refused such a tokenizer outright; `--eos-token TEXT` gives it.
/// </summary>
public class OtherEosTokenTests() : InTempFolder("other-eos-")
{
    static readonly TimeSpan Limit = TimeSpan.FromMinutes(2);

    /// <summary>A byte-level BPE tokenizer.json small enough to check by hand: "hello" is id 12, " w" id 13, EOS &lt;/s&gt; id 0.</summary>
    void WriteTokenizer()
    {
        var vocab = new Dictionary<string, int>
        {
            ["</s>"] = 0, ["h"] = 1, ["e"] = 2, ["l"] = 3, ["o"] = 4, ["Ġ"] = 5, ["w"] = 6, ["r"] = 7, ["d"] = 8,
            ["he"] = 9, ["ll"] = 10, ["hell"] = 11, ["hello"] = 12, ["Ġw"] = 13,
        };
        File.WriteAllText(Path.Combine(dir, "tokenizer.json"), JsonSerializer.Serialize(new
        {
            version = "1.0",
            added_tokens = new[] { new { id = 0, content = "</s>", special = true } },
            pre_tokenizer = new { type = "ByteLevel", add_prefix_space = false, use_regex = true },
            model = new { type = "BPE", vocab, merges = new[] { "h e", "l l", "he ll", "hell o", "Ġ w" } },
        }));
        File.WriteAllLines(Path.Combine(dir, "d.jsonl"), Enumerable.Repeat("{\"id\": \"a\", \"text\": \"hello world\"}", 3));
    }

    void WritePipeline(string eosLine) => File.WriteAllText(Path.Combine(dir, "p.yaml"), string.Join('\n',
        "name: p", "experiment: data",
        "data:",
        "  sources: [{paths: [d.jsonl], epochs: 0}]",
        "  tokenizer:",
        "    kind: huggingface",
        "    path: tokenizer.json",
        eosLine,
        "  packing: {seq_len: 8, batch_size: 2, held_out_every: 0}",
        "train: {steps: 3}") + "\n");

    [Fact]
    public void Validate_says_to_set_data_tokenizer_eos_token_at_its_line_naming_the_files_added_tokens()
    {
        WriteTokenizer();
        WritePipeline("    threads: 1");   // eos_token unset: the default <|endoftext|>
        var unset = CliProcess.Run(dir, Limit, "validate", "p.yaml");
        Assert.Equal(2, unset.Exit);
        Assert.Contains("p.yaml:6:5: data.tokenizer.eos_token: ", unset.Err);   // the tokenizer mapping, where the key goes
        Assert.Contains("the EOS token '<|endoftext|>' is not in the vocabulary or added tokens (its added tokens: '</s>'): " +
            "set data.tokenizer.eos_token to the token the file ends documents with", unset.Err);

        WritePipeline("    eos_token: '<eos>'");   // set, to a token the file lacks: said at its own line
        var wrong = CliProcess.Run(dir, Limit, "validate", "p.yaml");
        Assert.Equal(2, wrong.Exit);
        Assert.Contains("p.yaml:8:16: data.tokenizer.eos_token: ", wrong.Err);
        Assert.Contains("the EOS token '<eos>' is not in the vocabulary", wrong.Err);

        WritePipeline("    eos_token: '</s>'");   // as the message says
        var set = CliProcess.Run(dir, Limit, "validate", "p.yaml");
        Assert.True(set.Exit == 0, set.Out + set.Err);
    }

    [Fact]
    public void Data_tokenize_takes_the_eos_token_as_eos_token_and_says_so_when_the_default_is_missing()
    {
        WriteTokenizer();
        var refused = CliProcess.Run(dir, Limit, "data", "tokenize", "d.jsonl", "--tokenizer", "huggingface", "--tokenizer-path", "tokenizer.json", "--out", "t");
        Assert.Equal(2, refused.Exit);
        Assert.Contains("--tokenizer huggingface --tokenizer-path tokenizer.json: ", refused.Err);
        Assert.Contains("the EOS token '<|endoftext|>' is not in the vocabulary or added tokens (its added tokens: '</s>'): " +
            "give the token it ends documents with as --eos-token TEXT", refused.Err);
        Assert.False(Directory.Exists(Path.Combine(dir, "t")));

        var written = CliProcess.Run(dir, Limit, "data", "tokenize", "d.jsonl", "--tokenizer", "huggingface", "--tokenizer-path", "tokenizer.json",
            "--eos-token", "</s>", "--out", "t");
        Assert.True(written.Exit == 0, written.Out + written.Err);
        // "hello world" is [12, 13, 4, 7, 3, 8] ("hello", " w", "o", "r", "l", "d"), then EOS </s> = 0, for each document.
        var bytes = File.ReadAllBytes(Path.Combine(dir, "t", "part-00000.npy"));
        var ids = Enumerable.Range(0, bytes.Length / 2).Select(i => (int)BitConverter.ToUInt16(bytes, 2 * i));
        Assert.Equal(Enumerable.Repeat(new[] { 12, 13, 4, 7, 3, 8, 0 }, 3).SelectMany(x => x), ids);
        var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "t", "pretokenized.json"))).RootElement;
        Assert.Equal("</s>", manifest.GetProperty("eos_token").GetString());
        Assert.Equal(0, manifest.GetProperty("eos_token_id").GetInt32());
        // The setting it prints to read the files back names the EOS token, and validates.
        var printed = written.Out[(written.Out.IndexOf("read them with ", StringComparison.Ordinal) + "read them with ".Length)..].Trim();
        Assert.Contains("eos_token: '</s>'", printed);
        File.WriteAllText(Path.Combine(dir, "q.yaml"), $"name: q\nexperiment: data\n{printed[..^1]}, packing: {{seq_len: 8, batch_size: 2, held_out_every: 0}}}}\ntrain: {{steps: 3}}\n");
        var read = CliProcess.Run(dir, Limit, "validate", "q.yaml");
        Assert.True(read.Exit == 0, read.Out + read.Err + File.ReadAllText(Path.Combine(dir, "q.yaml")));
        // Read with another tokenizer, the setting to paste that wrote the files names the EOS token too.
        File.WriteAllText(Path.Combine(dir, "r.yaml"), "name: r\nexperiment: data\ndata: {sources: [{paths: [t], format: pretokenized}], " +
            "packing: {seq_len: 8, batch_size: 2, held_out_every: 0}}\ntrain: {steps: 3}\n");
        var other = CliProcess.Run(dir, Limit, "validate", "r.yaml");
        Assert.Equal(2, other.Exit);
        Assert.Contains($"set data.tokenizer: {{kind: huggingface, path: '{Path.Combine(dir, "tokenizer.json")}', eos_token: '</s>'}}", other.Err);
    }
}
