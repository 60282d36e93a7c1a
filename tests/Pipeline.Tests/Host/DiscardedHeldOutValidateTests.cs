using Retention.Tests.Pipeline;

namespace Retention.Tests.Host;

/// <summary>README "Packing": data.packing.held_out_every above 0 with validation_rows: 0 still keeps one document in n out of
/// training, and nothing uses them. `validate` says so in a warning naming the file and both keys (exit code unchanged); the
/// stream itself is left as it is (existing runs' data and resume cursors follow it).</summary>
public sealed class DiscardedHeldOutValidateTests() : InTempFolder("discarded-held-out-")
{
    static readonly TimeSpan Limit = TimeSpan.FromMinutes(2);

    static string[] Warnings(string err) => [.. err.Split('\n', StringSplitOptions.TrimEntries).Where(l => l.StartsWith("warning:", StringComparison.Ordinal))];

    (int Exit, string Out, string Err) Validate(string experiment, string packing, string sweep = "")
    {
        TinyCorpus.WriteShard(dir);
        var olmo = experiment == "olmo" ? "olmo: {preset: 4M, layers: 1, hidden: 32, mlp_dim: 64, heads: 4}\n" : "";
        File.WriteAllText(Path.Combine(dir, "p.yaml"), $"name: p\nexperiment: {experiment}\ndevice: cpu\n" +
            $"data: {{sources: [{{paths: [shards/*.jsonl]}}], tokenizer: {TinyCorpus.ByteTokenizerYaml()}, packing: {{seq_len: 16, batch_size: 2{packing}}}}}\n" +
            olmo + "train: {steps: 4}\n" + sweep);
        return CliProcess.Run(dir, Limit, "validate", "p.yaml");
    }

    const string Tail = " with data.packing.validation_rows: 0: " + Why;
    const string Why = "one document in held_out_every is still kept out of training, and with no " +
        "validation rows nothing uses it, so those documents are read and discarded; set held_out_every: 0 to train on every document, " +
        "or validation_rows above 0 for a validation loss on them (runs already trained so finish as they started: a --resume refuses a changed spec)";

    [Theory]
    [InlineData("olmo", ", held_out_every: 5, validation_rows: 0", "warning: p.yaml: data.packing.held_out_every = 5" + Tail)]
    [InlineData("data", ", held_out_every: 5, validation_rows: 0", "warning: p.yaml: data.packing.held_out_every = 5" + Tail)]
    // Only validation_rows written: the default held_out_every is what holds the documents out.
    [InlineData("olmo", ", validation_rows: 0", "warning: p.yaml: data.packing.held_out_every = 1,000 (the default)" + Tail)]
    [InlineData("olmo", ", held_out_every: 0, validation_rows: 0", null)]   // nothing held out
    [InlineData("olmo", ", held_out_every: 5, validation_rows: 4", null)]   // held out for the validation loss
    [InlineData("olmo", "", null)]
    public void Validate_warns_when_held_out_documents_feed_no_validation_rows(string experiment, string packing, string? expected)
    {
        var (exit, output, err) = Validate(experiment, packing);
        Assert.True(exit == 0, output + err);
        Assert.Contains("p.yaml: ok, 1 run(s)", output);
        Assert.DoesNotContain("warning", output);   // on stderr, with validate's other warnings
        Assert.Equal(expected is null ? [] : [expected], Warnings(err));
    }

    [Fact]
    public void A_sweep_of_validation_rows_names_the_runs_that_discard_them()
    {
        var (exit, output, err) = Validate("olmo", ", held_out_every: 5", "sweep: {data.packing.validation_rows: [0, 4]}\n");
        Assert.True(exit == 0, output + err);
        Assert.Equal(["warning: p.yaml: data.packing.held_out_every = 5 with data.packing.validation_rows: 0 (runs validation_rows-0: 1 of 2): " +
            Why], Warnings(err));
    }
}
