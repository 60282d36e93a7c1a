using Retention.Tests.Host;

namespace Retention.Tests.Advice;

/// <summary>An advice into a folder that holds an advice of the other kind (a synthetic pipeline's, then an OLMo sweep's, or
/// the reverse) replaces it whole, as the README promises ("one folder never mixes two advices"): the files of the other kind
/// were left beside the new ones, read together as one advice by `pipeline query`.</summary>
public sealed class AdviseOtherKindTests() : InTempFolder("advise-other-kind-")
{
    static readonly TimeSpan Limit = TimeSpan.FromMinutes(3);

    static string[] Files(string folder) =>
        [.. Directory.GetFileSystemEntries(folder).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal)];

    [Fact]
    public async Task An_advice_of_the_other_kind_in_the_folder_is_replaced_not_kept_beside()
    {
        File.WriteAllText(Path.Combine(dir, "mix.yaml"), """
            name: mix
            device: cpu
            synthetic: {tasks: 2, dims_per_task: 2, width: 1, rare: {frequency: 0.05}}
            train: {steps: 10, batch_size: 8, log_every: 10}
            """);
        var sweep = Path.Combine(dir, "sweep");
        await OlmoSweepFiles.Write(sweep);
        var output = Path.Combine(dir, "out");

        var synthetic = CliProcess.Run(dir, Limit, "advise", "mix.yaml", "--output", output);
        Assert.True(synthetic.Exit == 0, synthetic.Out + synthetic.Err);
        var fitted = CliProcess.Run(dir, Limit, "advise", sweep, "--output", output, "--size", "120000", "--frequency", "0.001");
        Assert.True(fitted.Exit == 0, fitted.Out + fitted.Err);
        Assert.Equal(["advice.png", "advice_boundaries.arrow", "advice_factors.arrow", "advice_levers.arrow"], Files(output));

        var again = CliProcess.Run(dir, Limit, "advise", "mix.yaml", "--output", output);
        Assert.True(again.Exit == 0, again.Out + again.Err);
        Assert.Equal(["advice.png", "advice_frequencies.arrow", "advice_widths.arrow"], Files(output));
    }
}
