using Retention.Data;
using Retention.Spec;
using Retention.Tests.Pipeline;

namespace Retention.Tests.Spec;

/// <summary>
/// What the tokenizer's vocabulary refuses is said by `validate`, at the key, before a run: token ids outside it, too few
/// ids to sample task tokens from, a model vocabulary below the ids in use, an EOS token the tokenizer lacks, and an
/// advice size no run of the sweep has. Each used to pass validation and fail the run after setup, with no file or line.
/// </summary>
public sealed class TokenizerFitTests() : InTempFolder("tokenizer-fit-")
{
    /// <summary>An OLMo pipeline over the byte-level tokenizer (257 ids, EOS 256) with two tasks, the lines given appended.</summary>
    string Pipeline(string tasks, string tokenizer = "", string olmo = "", string analysis = "")
    {
        var file = Path.Combine(dir, "p.yaml");
        File.WriteAllText(file, string.Join('\n',
            "name: p",
            "experiment: olmo",
            "train: {steps: 10}",
            "data:",
            "  sources: [{paths: ['http://example.org/s.json.gz']}]",
            $"  tokenizer: {(tokenizer == "" ? TinyCorpus.ByteTokenizerYaml() : tokenizer)}",
            "  packing: {seq_len: 64, batch_size: 4}",
            "  tasks:",
            tasks,
            $"olmo: {{preset: 4M, hidden: 16, layers: 1, heads: 1{olmo}}}",
            analysis) + "\n");
        return file;
    }

    static SpecError OnlyError(string file) =>
        Assert.Single(Assert.Throws<SpecException>(() => SpecLoader.Load(file, checkPaths: true)).Errors);

    [Fact]
    public void A_listed_id_outside_the_vocabulary_is_refused_at_its_task()
    {
        var items = string.Join(", ", Enumerable.Range(10, 101));
        var error = OnlyError(Pipeline($"    - {{kind: comparison, name: cmp, tokens: existing, item_ids: [{items}], label_ids: [4, 300]}}"));

        Assert.Equal(("data.tasks[0]", 9), (error.Path, error.Line));
        Assert.Equal("token id 300 is not in the tokenizer's vocabulary 0..256", error.Message);
    }

    [Fact]
    public void Sampled_tokens_beyond_the_upper_half_of_a_small_vocabulary_name_the_task_that_runs_out()
    {
        // 128 ids in the upper half of 257 (EOS excluded): comparison takes 101 + 2, modular addition's 113 then find 25.
        var error = OnlyError(Pipeline(string.Join('\n',
            "    - {kind: comparison, name: cmp, tokens: sampled}",
            "    - {kind: modular_addition, name: add, tokens: sampled}")));

        Assert.Equal(("data.tasks[1]", 10), (error.Path, error.Line));
        Assert.Contains("vocabulary of 257", error.Message);
        Assert.Contains("has 25 ids left for its 113 task tokens", error.Message);
    }

    [Fact]
    public void A_model_vocabulary_below_the_appended_task_tokens_is_refused_at_vocab_size()
    {
        // 257 tokenizer ids + comparison's 101 items and 2 labels appended = 360.
        var error = OnlyError(Pipeline("    - {kind: comparison, name: cmp}", olmo: ", vocab_size: 300"));

        Assert.Equal(("olmo.vocab_size", 10), (error.Path, error.Line));
        Assert.StartsWith("300 is below the 360 ids", error.Message);
        Assert.Equal(360, SpecLoader.Load(Pipeline("    - {kind: comparison, name: cmp}", olmo: ", vocab_size: 360"), checkPaths: true)
            .Runs.Single().Spec.Olmo!.VocabSize);
    }

    /// <summary>With the tasks' tokens sampled nothing is appended: the tokenizer's own 257 ids are what does not fit, and
    /// "give the tasks tokens: sampled" (said before) would advise what the file already does.</summary>
    [Fact]
    public void A_model_vocabulary_below_the_tokenizers_own_is_refused_without_advising_sampled_tokens_it_has()
    {
        var error = OnlyError(Pipeline("    - {kind: comparison, name: cmp, items: 5, instances: 20, train_instances: 10, tokens: sampled}",
            olmo: ", vocab_size: 200"));

        Assert.Equal(("olmo.vocab_size", 10), (error.Path, error.Line));
        Assert.Equal("200 is below the tokenizer's 257 ids (no task token is appended); raise it to at least 257", error.Message);
        Assert.Equal(257, SpecLoader.Load(Pipeline("    - {kind: comparison, name: cmp, items: 5, instances: 20, train_instances: 10, tokens: sampled}",
            olmo: ", vocab_size: 257"), checkPaths: true).Runs.Single().Spec.Olmo!.VocabSize);
    }

    [Fact]
    public void An_eos_token_cl100k_lacks_is_refused_at_eos_token()
    {
        var error = OnlyError(Pipeline("    - {kind: comparison, name: cmp}", tokenizer: "{kind: cl100k_base, eos_token: '<|eos|>'}"));

        Assert.Equal(("data.tokenizer.eos_token", 6), (error.Path, error.Line));
        Assert.StartsWith("'<|eos|>' is not a cl100k_base special token", error.Message);
    }

    [Fact]
    public void The_built_in_vocabularies_known_without_a_build_are_the_built_ones()
    {
        foreach (var kind in new[] { TextTokenizer.Cl100kBase, TextTokenizer.Gpt2 })
        {
            var spec = new TokenizerSpec { Kind = kind };
            var built = TextTokenizer.Create(spec);
            Assert.Equal(new TokenizerIdentity(built.VocabSize, built.EosId, null), TokenizerFit.Known(spec));
        }
        Assert.Null(TokenizerFit.Known(new TokenizerSpec { Kind = TextTokenizer.Gpt2, EosToken = "<|other|>" }));
    }

    [Fact]
    public void An_advice_size_no_run_trains_is_refused_with_the_sizes_there()
    {
        var task = "    - {kind: comparison, name: cmp, frequency: 0.001}";
        var loaded = SpecLoader.Load(Pipeline(task), checkPaths: true);
        // The model's parameters as the run counts them: the preset's shape at the tokenizer's 257 ids plus the 103 appended.
        long size = Retention.Pipeline.OlmoRunGraph.ModelConfig(loaded.Runs.Single().Spec.Olmo!, loaded.Runs.Single().Spec.Data!,
            TextTokenizer.Create(loaded.Runs.Single().Spec.Data!.Tokenizer)).ParameterCount();

        var error = OnlyError(Pipeline(task, analysis: $"analysis: {{advise: {{size: {size + 1}, frequency: 0.001}}}}"));

        Assert.Equal(("analysis.advise.size", 11), (error.Path, error.Line));
        Assert.Equal($"no run of the sweep trains a {size + 1:N0}-parameter model; its sizes: {size:N0} (as model.arrow's parameters)", error.Message);
        SpecLoader.Load(Pipeline(task, analysis: $"analysis: {{advise: {{size: {size}, frequency: 0.001}}}}"), checkPaths: true);
    }

    /// <summary>The same size given by --set is said to come from that --set (it has no line), not from the file's
    /// analysis.advise, which the file did not write that size in.</summary>
    [Fact]
    public void An_advice_size_no_run_trains_given_by_set_names_the_set()
    {
        var file = Pipeline("    - {kind: comparison, name: cmp, frequency: 0.001}", analysis: "analysis: {advise: {target_accuracy: 0.8}}");

        var error = Assert.Single(Assert.Throws<SpecException>(() => SpecLoader.Load(file,
            sets: ["analysis.advise.size=999", "analysis.advise.frequency=0.001"], checkPaths: true)).Errors);

        Assert.Equal(("--set analysis.advise.size=999", 0, "analysis.advise.size"), (error.Source, error.Line, error.Path));
        Assert.StartsWith("no run of the sweep trains a 999-parameter model; its sizes: ", error.Message);
    }

    /// <summary>A size given by --set without a frequency is said at that --set, not at the file's analysis.advise (the
    /// file did not write it); a frequency written alone at its line; a size out of range once, without "go together".</summary>
    [Theory]
    [InlineData("analysis: {advise: {target_accuracy: 0.8}}", "analysis.advise.size=999", "--set analysis.advise.size=999", 0,
        "analysis.advise.size", "size and frequency go together: both set (compare the two levers there) or neither; frequency is not set")]
    [InlineData("analysis: {advise: {frequency: 0.001}}", null, "p.yaml", 11, "analysis.advise.frequency",
        "size and frequency go together: both set (compare the two levers there) or neither; size is not set")]
    [InlineData("analysis: {advise: {frequency: 0.001}}", "analysis.advise.size=-3", "--set analysis.advise.size=-3", 0,
        "analysis.advise.size", "must be >= 0, got -3")]
    public void A_lone_advice_size_or_frequency_is_said_where_it_was_written(string analysis, string? set, string source, int line,
        string path, string message)
    {
        var file = Pipeline("    - {kind: comparison, name: cmp, frequency: 0.001}", analysis: analysis);

        var error = Assert.Single(Assert.Throws<SpecException>(() => SpecLoader.Load(file, sets: set is null ? [] : [set], checkPaths: true)).Errors);

        Assert.Equal((source, line, path, message), (Path.GetFileName(error.Source), error.Line, error.Path, error.Message));
    }
}
