using Retention.Tests.Host;

namespace Retention.Tests.Advice;

/// <summary>An advise killed (SIGKILL) while putting its files in place leaves their .tmp in its folder; a synthetic advice
/// never writes a levers table, so advice_levers.arrow.tmp would stay for ever. The next advise into the folder removes the
/// advice's own leftovers, saying so, and leaves any other .tmp there alone. (Planted: what a kill at that moment leaves.)</summary>
public sealed class AdviseLeftoverTmpTests() : InTempFolder("advise-tmp-")
{
    static readonly TimeSpan Limit = TimeSpan.FromMinutes(3);

    [Fact]
    public void The_next_advise_removes_what_a_killed_one_left_half_written_and_nothing_else()
    {
        File.WriteAllText(Path.Combine(dir, "mix.yaml"), """
            name: mix
            device: cpu
            synthetic: {tasks: 2, dims_per_task: 2, width: 1, rare: {frequency: 0.05}}
            train: {steps: 10, batch_size: 8, log_every: 10}
            """);
        var output = Directory.CreateDirectory(Path.Combine(dir, "out")).FullName;
        string[] left = ["advice.png.tmp", "advice_levers.arrow.tmp", "advice_widths.arrow.tmp"];
        foreach (var name in left) File.WriteAllText(Path.Combine(output, name), "half written");
        File.WriteAllText(Path.Combine(output, "mine.tmp"), "someone else's");

        var advise = CliProcess.Run(dir, Limit, "advise", "mix.yaml", "--output", output);
        Assert.True(advise.Exit == 0, advise.Out + advise.Err);
        foreach (var name in left)
            Assert.Contains($"note: removed {Path.Combine(output, name)}, which an advice killed while writing its files left half written", advise.Err);
        Assert.Equal(["advice.png", "advice_frequencies.arrow", "advice_widths.arrow", "mine.tmp"],
            Directory.GetFiles(output).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Equal("someone else's", File.ReadAllText(Path.Combine(output, "mine.tmp")));
    }
}
