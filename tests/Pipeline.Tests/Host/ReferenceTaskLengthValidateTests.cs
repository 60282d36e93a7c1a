using Retention.Tests.Pipeline;

namespace Retention.Tests.Host;

/// <summary>An olmo.reference_tasks entry whose longest instance is longer than data.packing.seq_len passed `validate`
/// (it builds no tokenizer for that) and stopped `run` after its run directory was made. Where the tokenizer can be had
/// without a fetch (a tokenizer file, cl100k_base), validate refuses it with the run's message at the task's line; where
/// it cannot (gpt2 not yet cached), validate says the run checks it.</summary>
public sealed class ReferenceTaskLengthValidateTests() : InTempFolder("reference-length-")
{
    static readonly TimeSpan Limit = TimeSpan.FromMinutes(2);

    /// <summary>A tiny OLMo pipeline with a 1-digit reference task that fits and a 9-digit one, whose instances as bytes are
    /// "a + b" (21) and " = c" (12 for the 9-digit sums its 4 instances draw): 34 tokens with the EOS.</summary>
    void WritePipeline(string tokenizer, int seqLen, string task = "{kind: modular_addition, frequency: 0.02}")
    {
        TinyCorpus.WriteShard(dir);
        File.WriteAllText(Path.Combine(dir, "p.yaml"), string.Join('\n',
            "name: p", "experiment: olmo", "device: cpu",                                                          // 1-3
            "data:",                                                                                               // 4
            "  sources: [{paths: ['shards/*.jsonl'], epochs: 0}]",                                                 // 5
            $"  tokenizer: {tokenizer}",                                                                           // 6
            $"  packing: {{seq_len: {seqLen}, batch_size: 4, held_out_every: 10, validation_rows: 4}}",            // 7
            $"  tasks: [{task}]",                                                                                  // 8
            "olmo:",                                                                                               // 9
            "  preset: 4M",                                                                                        // 10
            "  reference_tasks:",                                                                                  // 11
            "    - {name: ref_short, digits: 1, instances: 8}",                                                    // 12
            "    - {name: ref_long, digits: 9, instances: 4}",                                                     // 13
            "train: {steps: 6, lr: 0.003, warmup_steps: 1, log_every: 1}") + "\n");
    }

    static string Refusal(int tokens, int seqLen) =>
        $"olmo.reference_tasks[1]: ref_long's longest instance is {tokens} tokens with the EOS, more than data.packing.seq_len ({seqLen}); " +
        "shorten the template or the digits, or raise seq_len";

    [Fact]
    public void With_a_tokenizer_file_validate_and_run_refuse_the_long_task_at_its_line_before_any_run_starts()
    {
        WritePipeline(TinyCorpus.ByteTokenizerYaml(), 16);

        var (exit, output, err) = CliProcess.Run(dir, Limit, "validate", "p.yaml");

        Assert.True(exit == 2, output + err);
        Assert.Equal($"error: p.yaml:13:7: {Refusal(34, 16)}", err.Trim());
        var run = CliProcess.Run(dir, Limit, "run", "p.yaml", "--no-analysis");
        Assert.True(run.Exit == 2, run.Out + run.Err);
        Assert.Contains($"error: p.yaml:13:7: {Refusal(34, 16)}", run.Err);
        Assert.False(Directory.Exists(Path.Combine(dir, "artifacts")));
    }

    /// <summary>Another rule's error (here the injection too dense for the rows) hid the reference task's: it was only
    /// measured where the run had no error at all, and a user who mended the density met it next.</summary>
    [Fact]
    public void A_reference_task_longer_than_seq_len_is_said_beside_an_injection_too_dense_for_the_rows()
    {
        WritePipeline(TinyCorpus.ByteTokenizerYaml(), 16, "{kind: modular_addition, frequency: 0.1, gap: 4}");

        var (exit, output, err) = CliProcess.Run(dir, Limit, "validate", "p.yaml");

        Assert.True(exit == 2, output + err);
        var lines = err.Trim().Split('\n');
        Assert.Equal(2, lines.Length);
        Assert.StartsWith("error: p.yaml:8:10: data.tasks: an injection of up to ", lines[0]);
        Assert.Equal($"error: p.yaml:13:7: {Refusal(34, 16)}", lines[1]);
    }

    [Fact]
    public void With_cl100k_base_which_ships_in_the_program_validate_refuses_it_and_passes_it_once_seq_len_holds_it()
    {
        WritePipeline("{kind: cl100k_base}", 8);

        var (exit, output, err) = CliProcess.Run(dir, Limit, "validate", "p.yaml");

        Assert.True(exit == 2, output + err);
        Assert.StartsWith("error: p.yaml:13:7: olmo.reference_tasks[1]: ref_long's longest instance is ", err.Trim());
        Assert.EndsWith("more than data.packing.seq_len (8); shorten the template or the digits, or raise seq_len", err.Trim());

        WritePipeline("{kind: cl100k_base}", 64);
        var ok = CliProcess.Run(dir, Limit, "validate", "p.yaml");
        Assert.True(ok.Exit == 0, ok.Out + ok.Err);
        Assert.DoesNotContain("reference_tasks", ok.Err);
    }

    [Fact]
    public void With_gpt2_not_yet_fetched_validate_passes_and_says_the_run_checks_the_lengths()
    {
        WritePipeline("{kind: gpt2}", 16);
        var emptyCache = Directory.CreateDirectory(Path.Combine(dir, "cache")).FullName;

        var (exit, output, err) = CliProcess.Run(dir, Limit, new Dictionary<string, string?> { ["XDG_CACHE_HOME"] = emptyCache }, "validate", "p.yaml");

        Assert.True(exit == 0, output + err);
        Assert.Equal("note: p.yaml: whether olmo.reference_tasks fit data.packing.seq_len is checked when the run starts: " +
            "the gpt2 tokenizer that measures them is not here yet (the run fetches it)", err.Trim());
        Assert.Empty(Directory.GetFileSystemEntries(emptyCache));   // validate fetched nothing
    }
}
