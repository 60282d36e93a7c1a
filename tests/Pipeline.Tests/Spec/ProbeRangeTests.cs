using static Retention.Tests.Spec.SpecSamples;

namespace Retention.Tests.Spec;

/// <summary>A modulus p has (p − 1)/2 Fourier frequencies: more key frequencies were cut to them without a word (and the
/// key share was then 1 whatever the model), so validation refuses them naming the bound.</summary>
public class ProbeRangeTests
{
    static string Pipeline(string tasks, string fourier) => Yaml(
        "name: o",
        "experiment: olmo",
        "data:",
        "  sources: [{paths: ['https://example.org/a.json.gz']}]",
        $"  tasks: [{tasks}]",
        "olmo: {preset: 4M, layers: 2, hidden: 16, mlp_dim: 64, heads: 2}",
        "train: {steps: 10}",
        $"probes: {{fourier: {fourier}}}");

    [Theory]
    [InlineData("{kind: modular_addition}", "{key_frequencies: 57}", null)]                              // p = 113: 56 frequencies
    [InlineData("{kind: modular_addition}", "{key_frequencies: 56}", 56)]
    [InlineData("{kind: modular_addition, items: 7, instances: 40, train_instances: 20}", "{key_frequencies: 4}", null)]                    // p = 7: 3
    [InlineData("{kind: modular_addition, name: a7, items: 7, instances: 40, train_instances: 20}, {kind: modular_addition, name: a13, items: 13, instances: 40, train_instances: 20}", "{task: a13, key_frequencies: 6}", 6)]
    [InlineData("{kind: modular_addition, name: a7, items: 7, instances: 40, train_instances: 20}, {kind: modular_addition, name: a13, items: 13, instances: 40, train_instances: 20}", "{key_frequencies: 6}", null)]
    public void Key_frequencies_beyond_the_modulus_are_refused(string tasks, string fourier, int? accepted)
    {
        var yaml = Pipeline(tasks, fourier);
        if (accepted is { } k)
        {
            var spec = Retention.Spec.SpecLoader.LoadText(yaml, "p.yaml", checkAnalysis: false, checkResources: false).Spec;
            Assert.Equal(k, spec.Probes!.Fourier!.KeyFrequencies);
            return;
        }
        var error = Assert.Single(Errors(yaml), e => e.Path == "probes.fourier.key_frequencies");
        Assert.Matches(@"^must be at most (56|3), the frequencies of modulus (113|7) \(1 … \(p − 1\)/2\), got \d+$", error.Message);
    }
}
