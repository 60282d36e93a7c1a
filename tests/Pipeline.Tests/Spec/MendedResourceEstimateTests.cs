using static Retention.Tests.Spec.SpecSamples;

namespace Retention.Tests.Spec;

/// <summary>The memory estimate of a CPU run reads the packing and model keys; one the binder dropped (a list where a number
/// goes, `--set data.packing=5`) reads its default there, 64 rows of 2048 tokens, so a second error followed the binding
/// error: the estimate of a run nobody wrote, asking to lower keys the user had lowered.</summary>
public class MendedResourceEstimateTests
{
    static string Pipeline(string packing) => Yaml(
        "name: o",
        "experiment: olmo",
        "device: cpu",
        "data:",
        "  sources: [{paths: ['https://example.org/a.json.gz']}]",
        $"  packing: {packing}",
        "olmo: {preset: 1B}",   // at the default 64 × 2048 tokens far beyond any machine's memory
        "train: {steps: 10}");

    [Theory]
    [InlineData("{seq_len: [16]}", "data.packing.seq_len")]
    [InlineData("5", "data.packing")]
    public void A_dropped_packing_key_is_the_only_error(string packing, string path)
    {
        var error = Assert.Single(Errors(Pipeline(packing)));
        Assert.Equal(path, error.Path);
    }
}
