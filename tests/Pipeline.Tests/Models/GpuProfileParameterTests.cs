using Retention.Data;
using Retention.Models;
using Retention.Pipeline;
using Retention.Spec;
using Retention.Tests.Pipeline;

namespace Retention.Tests.Models;

/// <summary>Every shipped OLMo pipeline's gpu profile trains the paper's models exactly: GPT-2's vocabulary
/// padded to 50,304 and task tokens sampled from it, so each preset has the paper's parameter count.</summary>
public class GpuProfileParameterTests
{
    static readonly Dictionary<string, long> Paper = new()
    {
        ["4M"] = 6_963_200, ["20M"] = 28_753_920, ["300M"] = 371_458_048, ["1B"] = 1_279_787_008, ["4B"] = 4_707_057_664,
    };

    public static TheoryData<string> OlmoPipelines() => [.. Directory.GetFiles(RepoFiles.PipelinesDirectory, "olmo-*.yaml").Select(f => Path.GetFileName(f)!).Order()];

    [Theory]
    [MemberData(nameof(OlmoPipelines))]
    public void The_gpu_profile_has_the_papers_parameter_count_for_every_preset(string file)
    {
        var pipeline = SpecLoader.Load(RepoFiles.Pipeline(file), "gpu", checkAnalysis: false);
        var tokenizer = TextTokenizer.Create(pipeline.Runs[0].Spec.Data!.Tokenizer);
        Assert.Equal(50_257, tokenizer.VocabSize);
        Assert.Equal(50_256, tokenizer.EosId);
        foreach (var run in pipeline.Runs)
        {
            var config = OlmoRunGraph.ModelConfig(run.Spec.Olmo!, run.Spec.Data!, tokenizer);
            Assert.Equal(Paper[run.Spec.Olmo!.Preset], config.ParameterCount());
            // The tasks' tokens are the tokenizer's own ids: the injector builds, and appends nothing.
            var (_, vocabulary) = Injector.Create(run.Spec.Data!.Tasks, run.Spec.Data.Packing, tokenizer.VocabSize, tokenizer.EosId, 0);
            Assert.Equal(tokenizer.VocabSize, vocabulary.VocabSize);
            Assert.All(vocabulary.Tasks.SelectMany(t => t.ItemIds.Concat(t.LabelIds)), id => Assert.InRange(id, 25_128, 50_255));
        }
    }

    [Fact]
    public void Gpt2_tokenizes_as_openai_does()
    {
        var tokenizer = TextTokenizer.Create(new TokenizerSpec { Kind = "gpt2" });
        // "Hello world" is [15496, 995] in GPT-2 (tiktoken's gpt2 encoding gives the same ids).
        Assert.Equal([15496, 995], tokenizer.Encode("Hello world"));
    }

    [Fact]
    public void A_vocabulary_too_small_for_the_appended_task_tokens_is_refused_clearly()
    {
        var spec = SpecLoader.Load(RepoFiles.Pipeline("olmo-frequency-phase.yaml"), "cpu", ["olmo.vocab_size=300"], checkAnalysis: false).Runs[0].Spec;
        var e = Assert.Throws<ArgumentException>(() => OlmoRunGraph.ModelConfig(spec.Olmo!, spec.Data!, TextTokenizer.Create(spec.Data!.Tokenizer, RepoFiles.PipelinesDirectory)));
        Assert.Contains("tokens: sampled", e.Message);
    }
}
