using Retention.Pipeline;
using Retention.Spec;
using static Retention.Tests.Spec.SpecSamples;

namespace Retention.Tests.Pipeline;

/// <summary>Groups trained side by side (--jobs) start the costliest first. An OLMo run's cost counts its model at the
/// vocabulary it is built with: a 4M model is mostly its embedding and output layers, so counted at the preset's 50,304
/// a small-vocabulary run looked many times its cost and could start before a run that takes longer.</summary>
public class GroupScheduleTests
{
    static readonly string Tokenizers = Path.Combine(RepoFiles.PipelinesDirectory, "tokenizers");

    /// <summary>A byte-level BPE tokenizer (257 ids): a small olmo.vocab_size fits it.</summary>
    static readonly string Bytes = $"  tokenizer: {{kind: bpe, path: '{Tokenizers}/bytes-vocab.json', merges_path: '{Tokenizers}/bytes-merges.txt'}}";

    static RunPlan Olmo(string name, string olmo, int steps, string tokenizer = "") => Assert.Single(Load(Yaml(
        $"name: {name}", "experiment: olmo", "device: cpu",
        "data:",
        "  sources: [{paths: ['https://example.org/a.json.gz']}]",
        tokenizer,
        "  packing: {seq_len: 16, batch_size: 4}",
        $"olmo: {olmo}",
        $"train: {{steps: {steps}}}")).Runs);

    static string[] StartOrder(params RunPlan[] runs) =>
        [.. GroupSchedule.CostliestFirst([.. runs.Select(r => (IReadOnlyList<RunPlan>)[r])]).Select(g => g[0].Spec.Name)];

    // A 4M model has 2·V·64 + 524,288 parameters (untied embedding and output layers, 8 small layers).

    [Fact]
    public void A_run_with_a_small_olmo_vocab_size_starts_after_a_costlier_run_with_the_full_vocabulary()
    {
        // 589,824 × 30 steps at V = 512 against 6,963,200 × 10 steps at V = 50,304; at the preset's V both have
        // 6,963,200, and the 30-step run looked the costlier.
        var small = Olmo("small", "{preset: 4M, vocab_size: 512}", steps: 30, Bytes);
        var full = Olmo("full", "{preset: 4M, vocab_size: 50304}", steps: 10, Bytes);
        Assert.Equal(["full", "small"], StartOrder(small, full));
    }

    [Fact]
    public void A_run_sized_by_its_tokenizer_is_costed_at_that_vocabulary()
    {
        // The default tokenizer's ids and the end token: the model's vocabulary, as loading sized it (olmo.vocab_size unset).
        var tokenizer = Olmo("tokenizer", "{preset: 4M}", steps: 10);
        Assert.Equal(100_277, tokenizer.ModelVocab);
        // 13,359,744 parameters against 10,764,288 at V = 80,000, for as many steps; counted at the preset's 50,304
        // (6,963,200) the tokenizer-sized run looked the cheaper.
        var set = Olmo("set", "{preset: 4M, vocab_size: 80000}", steps: 10, Bytes);
        Assert.Equal(["tokenizer", "set"], StartOrder(set, tokenizer));
    }
}
