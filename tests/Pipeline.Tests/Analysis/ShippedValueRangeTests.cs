using Retention.Spec;

namespace Retention.Tests.Analysis;

/// <summary>Every shipped heatmap of an accuracy or an IIA (a share, 0 to 1) fixes its colour scale to [0, 1]: stretched
/// to the data, olmo-frequency-phase's cpu profile painted a comparison task's 0.47 test accuracy, below chance, as its
/// brightest cell. Each file under each of its profiles, as a profile may replace the plots.</summary>
public sealed class ShippedValueRangeTests
{
    static bool IsShare(string? column) =>
        column is not null && (column.Contains("accuracy", StringComparison.OrdinalIgnoreCase) || column.Contains("iia", StringComparison.OrdinalIgnoreCase));

    [Theory]
    [MemberData(nameof(Spec.ShippedPipelineRoundTripTests.ShippedPipelines), MemberType = typeof(Spec.ShippedPipelineRoundTripTests))]
    public void Every_shipped_accuracy_or_iia_heatmap_spans_zero_to_one(string file, string? profile)
    {
        var plots = SpecLoader.Load(Pipeline.RepoFiles.Pipeline(file), profile).Spec.Analysis.Plots;
        var stretched = plots.Where(p => p.Kind == "heatmap" && IsShare(p.Value) && p.ValueRange is not [0.0, 1.0]).Select(p => p.Name).ToList();
        Assert.True(stretched.Count == 0, $"{file} ({profile ?? "no profile"}): heatmaps of a share without value_range: [0, 1]: {string.Join(", ", stretched)}");
    }

    [Theory]
    [InlineData("olmo-frequency-phase.yaml", "cpu", "phase_test_accuracy")]
    [InlineData("olmo-representations.yaml", null, "das_phase")]
    public void The_heatmaps_this_was_found_on_are_among_them(string file, string? profile, string plot)
    {
        // So that the rule above is not met by finding no such heatmap at all.
        var found = SpecLoader.Load(Pipeline.RepoFiles.Pipeline(file), profile).Spec.Analysis.Plots.Single(p => p.Name == plot);
        Assert.True(found.Kind == "heatmap" && IsShare(found.Value));
        Assert.Equal([0.0, 1.0], found.ValueRange);
    }
}
