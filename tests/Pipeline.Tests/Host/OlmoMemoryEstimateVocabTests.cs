using Retention.Tests.Pipeline;

namespace Retention.Tests.Host;

/// <summary>
/// A CPU OLMo run's memory estimate sizes the model's vocabulary as the run does: from its tokenizer (plus the task
/// tokens) where olmo.vocab_size is 0. It took 50,304 then, so a byte-level run (463 ids) of the 4M preset at 32 rows of
/// 2048 tokens, whose logits alone the estimate put at gigabytes, was refused at "about 26.4 GiB" on a machine that fits
/// it. The machine's memory is set for the test with the GC's heap limit, which is what the estimate reads.
/// </summary>
public class OlmoMemoryEstimateVocabTests() : InTempFolder("olmo-memory-vocab-")
{
    static readonly TimeSpan Limit = TimeSpan.FromMinutes(2);
    static readonly Dictionary<string, string?> FourGiB = new() { ["DOTNET_GCHeapHardLimit"] = "0x100000000" };

    string Pipeline(int vocabSize, string device = "cpu")
    {
        var tokenizers = Path.Combine(RepoFiles.PipelinesDirectory, "tokenizers");
        File.WriteAllText(Path.Combine(dir, "o.yaml"), string.Join('\n',
            "name: o", "experiment: olmo", $"device: {device}",
            "data:",
            "  sources: [{paths: ['https://example.org/a.json.gz']}]",
            $"  tokenizer: {{kind: bpe, path: '{tokenizers}/bytes-vocab.json', merges_path: '{tokenizers}/bytes-merges.txt'}}",
            "  packing: {seq_len: 2048, batch_size: 32}",
            $"olmo: {{preset: 4M, vocab_size: {vocabSize}}}",
            "train: {steps: 10}") + "\n");
        return "o.yaml";
    }

    [Fact]
    public void A_byte_vocabulary_run_is_estimated_with_its_own_vocabulary_and_the_paper_vocabulary_still_refused()
    {
        var own = CliProcess.Run(dir, Limit, FourGiB, "validate", Pipeline(0));
        Assert.True(own.Exit == 0, own.Err);

        var padded = CliProcess.Run(dir, Limit, FourGiB, "validate", Pipeline(50_304));
        Assert.Equal(2, padded.Exit);
        Assert.Contains("olmo: the 4M shape", padded.Err);
        Assert.Contains("this machine has 4 GiB (raise olmo.grad_accumulation", padded.Err);
    }

    [SkippableFact]
    public void An_auto_run_that_lands_on_the_cpu_is_refused_by_run_as_a_cpu_one_is()
    {
        Skip.If(TorchSharp.torch.cuda.is_available(), "auto picks the GPU here, whose memory is not this machine's");
        // Before anything is fetched (the source is a URL nobody serves); it went on to train unchecked before.
        var refused = CliProcess.Run(dir, Limit, FourGiB, "run", Pipeline(50_304, "auto"), "--no-analysis");
        Assert.True(refused.Exit == 2, refused.Out + refused.Err);
        Assert.Contains("olmo: the 4M shape", refused.Err);
        Assert.Contains("on the CPU (device: auto found no GPU here); this machine has 4 GiB (raise olmo.grad_accumulation", refused.Err);
        Assert.False(Directory.Exists(Path.Combine(dir, "artifacts")), "refused before anything was written");
    }
}
