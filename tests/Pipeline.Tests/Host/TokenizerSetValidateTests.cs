using Retention.Spec;
using Retention.Tests.Data;
using Retention.Tests.Pipeline;

namespace Retention.Tests.Host;

/// <summary>A --set mapping merges into the file's mapping (README "Overrides"), so `--set 'data.tokenizer={kind: gpt2}'`
/// over a bpe tokenizer kept its path and merges_path: the gpt2 run's run.yaml then listed files it never read. A tokenizer
/// file its kind does not read is now refused at the key, and the --set that clears it makes the file load.</summary>
public sealed class TokenizerSetValidateTests() : InTempFolder("tokenizer-set-")
{
    static readonly TimeSpan Limit = TimeSpan.FromMinutes(2);
    const string Gpt2 = "data.tokenizer={kind: gpt2}";

    void WritePipeline()
    {
        DataFiles.Write(Path.Combine(dir, "shards", "a.jsonl"), DataFiles.Lines(DataFiles.Docs("a", 20)));
        File.WriteAllText(Path.Combine(dir, "p.yaml"), string.Join('\n',
            "name: p",                                                  // 1
            "experiment: data",                                         // 2
            "data:",                                                    // 3
            "  sources: [{paths: ['shards/*.jsonl']}]",                 // 4
            "  tokenizer:",                                             // 5
            "    kind: bpe",                                            // 6
            $"    path: {Tokenizers}/bytes-vocab.json",                 // 7
            $"    merges_path: {Tokenizers}/bytes-merges.txt",          // 8
            "  packing: {seq_len: 32, batch_size: 4, held_out_every: 0}",
            "train: {steps: 3}") + "\n");
    }

    static string Tokenizers => Path.Combine(RepoFiles.PipelinesDirectory, "tokenizers");

    [Fact]
    public void A_set_tokenizer_kind_that_reads_no_file_names_each_file_left_from_the_file()
    {
        WritePipeline();

        var (exit, output, err) = CliProcess.Run(dir, Limit, "validate", "p.yaml", "--set", Gpt2);

        Assert.True(exit == 2, output + err);
        string Unread(int line, string key) => $"error: p.yaml:{line}:{key.Length + 7}: data.tokenizer.{key}: a gpt2 tokenizer reads no file "
            + $"(it is built in), so this file would never be read; remove it (a --set data.tokenizer={{...}} merges into this mapping; "
            + $"--set data.tokenizer.{key}= clears the key)";
        Assert.Equal([Unread(7, "path"), Unread(8, "merges_path")], err.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

        // huggingface reads a tokenizer.json (path) but no merges file.
        var hf = CliProcess.Run(dir, Limit, "validate", "p.yaml", "--set", "data.tokenizer.kind=huggingface");
        Assert.Contains("p.yaml:8:18: data.tokenizer.merges_path: a huggingface tokenizer reads data.tokenizer.path only", hf.Err);

        // Cleared as the message says, the gpt2 run's resolved tokenizer lists no file.
        var cleared = CliProcess.Run(dir, Limit, "validate", "p.yaml", "--print",
            "--set", Gpt2, "--set", "data.tokenizer.path=", "--set", "data.tokenizer.merges_path=");
        Assert.True(cleared.Exit == 0, cleared.Out + cleared.Err);
        var tokenizer = cleared.Out[cleared.Out.IndexOf("  tokenizer:", StringComparison.Ordinal)..cleared.Out.IndexOf("  packing:", StringComparison.Ordinal)];
        Assert.Equal(["tokenizer:", "kind: gpt2", "eos_token: <|endoftext|>", "threads: 0"],
            tokenizer.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    }

    [Fact]
    public void A_stored_run_yaml_written_with_the_files_still_loads()
    {
        // What an earlier version stored for such a gpt2 run: it must load for a resume, analyze or status.
        var stored = string.Join('\n', "name: p", "experiment: data",
            "data:", "  sources: [{paths: ['https://example.org/a.json.gz']}]",
            "  tokenizer: {kind: gpt2, path: tok/vocab.json, merges_path: tok/merges.txt}",
            "train: {steps: 3}") + "\n";

        var loaded = SpecLoader.LoadText(stored, "run.yaml", checkAnalysis: false, stored: true);
        Assert.Equal("tok/vocab.json", Assert.Single(loaded.Runs).Spec.Data!.Tokenizer.Path);
        // Written by hand today, the same file is refused at both keys.
        var e = Assert.Throws<SpecException>(() => SpecLoader.LoadText(stored, "p.yaml", checkAnalysis: false));
        Assert.Equal(["data.tokenizer.path", "data.tokenizer.merges_path"], e.Errors.Select(x => x.Path));
    }
}
