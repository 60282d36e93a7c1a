using Retention.Tests.Host;

namespace Retention.Tests.Advice;

/// <summary>`pipeline advise` wrote its files, before putting them in place, in a folder of its own under $TMPDIR
/// (`advise-*`): one killed by SIGKILL left it there for ever, as nothing else looks in $TMPDIR for it. It stages them in
/// `.advise-staging/` inside the folder it writes (held while it writes), and the next advise into that folder removes a
/// killed one's, saying so. Independent of the implementation: with $TMPDIR a path that cannot be written, the advice is
/// still written; a staging folder planted as a kill leaves it (files half written) goes.</summary>
public sealed class AdviseStagingTests() : InTempFolder("advise-staging-")
{
    static readonly TimeSpan Limit = TimeSpan.FromMinutes(3);

    [Fact]
    public void Advise_stages_nothing_in_tmpdir_and_removes_a_killed_ones_staging_folder()
    {
        File.WriteAllText(Path.Combine(dir, "mix.yaml"), """
            name: mix
            device: cpu
            synthetic: {tasks: 2, dims_per_task: 2, width: 1, rare: {frequency: 0.05}}
            train: {steps: 10, batch_size: 8, log_every: 10}
            """);
        var output = Directory.CreateDirectory(Path.Combine(dir, "out")).FullName;
        var staging = Directory.CreateDirectory(Path.Combine(output, ".advise-staging")).FullName;
        File.WriteAllText(Path.Combine(staging, "advice_widths.arrow"), "half written");
        File.WriteAllText(Path.Combine(output, ".lock.owner"), "pid 1 on elsewhere since 2026-12-01 00:00:00Z (advice)\n");   // the killed one's line

        // A $TMPDIR nothing can be made in: a folder made there would fail the advice.
        var noTmp = new Dictionary<string, string?> { ["TMPDIR"] = Path.Combine(dir, "no-such-folder") };
        var advise = CliProcess.Run(dir, Limit, noTmp, "advise", "mix.yaml", "--output", output);
        Assert.True(advise.Exit == 0, advise.Out + advise.Err);
        Assert.Contains($"note: removed {staging}, which an advice killed while writing its files left", advise.Err);
        Assert.Equal(["advice.png", "advice_frequencies.arrow", "advice_widths.arrow"],
            Directory.GetFileSystemEntries(output).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.False(Directory.Exists(Path.Combine(dir, "no-such-folder")));
        Assert.NotEmpty(ArrowRows.Read(Path.Combine(output, "advice_widths.arrow")));   // the new advice, not the staged half
    }
}
