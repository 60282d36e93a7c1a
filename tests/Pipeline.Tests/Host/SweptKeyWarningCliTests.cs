using Retention.Tests.Pipeline;

namespace Retention.Tests.Host;

/// <summary>A key added to a shipped pipeline's sweep that its analysis averages over is a warning where the user meets
/// it (validate, the start of run, analyze), once, with the exit code unchanged; the shipped sweep alone warns of nothing.</summary>
public sealed class SweptKeyWarningCliTests() : InTempFolder("swept-key-")
{
    static readonly TimeSpan Limit = TimeSpan.FromMinutes(3);
    static string Retention => RepoFiles.Pipeline("synthetic-retention.yaml");

    static string[] Warnings(string err) => [.. err.Split('\n', StringSplitOptions.TrimEntries).Where(l => l.StartsWith("warning:", StringComparison.Ordinal))];

    [Fact]
    public void Validate_warns_of_a_swept_lr_the_shipped_analysis_averages_over_and_of_nothing_without_it()
    {
        var plain = CliProcess.Run(dir, Limit, "validate", Retention, "--profile", "cpu");
        Assert.True(plain.Exit == 0, plain.Err);
        Assert.Equal("", plain.Err);

        var lr = CliProcess.Run(dir, Limit, "validate", Retention, "--profile", "cpu", "--set", "sweep.train.lr=[0.001,0.003]");
        Assert.True(lr.Exit == 0, lr.Err);
        Assert.Contains("ok, 16 runs", lr.Out);
        var warning = Assert.Single(Warnings(lr.Err));
        Assert.StartsWith($"warning: {Retention}: analysis tables 'rare_signal' (analysis.tables[0]) and 'retention' (analysis.tables[1]) " +
            "have no column 'lr', and plot 'rare_signal_over_time' (analysis.plots[0]) does not mention lr, although the sweep varies " +
            "train.lr over 2 values", warning);

        // Seeds are averaged over on purpose.
        var seeds = CliProcess.Run(dir, Limit, "validate", Retention, "--profile", "cpu", "--set", "sweep.seed=[0,1]");
        Assert.True(seeds.Exit == 0, seeds.Err);
        Assert.Equal("", seeds.Err);
    }

    [Fact]
    public void Run_warns_once_before_training_and_analyze_with_the_shipped_file_warns_from_the_sweep_it_reads()
    {
        var run = CliProcess.Run(dir, Limit, "run", Retention, "--profile", "cpu", "--artifacts", "out", "--jobs", "1", "--no-analysis",
            "--set", "train.steps=100", "--set", "sweep={synthetic.width: [24], synthetic.rare.gap: [50], train.lr: [0.001, 0.003]}");
        Assert.True(run.Exit == 0, run.Err);
        // --no-analysis: nothing mixes yet, so nothing is said.
        Assert.Empty(Warnings(run.Err));
        var sweep = Directory.GetDirectories(Path.Combine(dir, "out")).Single();

        // The shipped file's own sweep has no lr; the runs in the folder do.
        var analyze = CliProcess.Run(dir, Limit, "analyze", sweep, "--pipeline", Retention);
        Assert.True(analyze.Exit == 0, analyze.Err);
        Assert.Contains("although the sweep varies train.lr over 2 values", Assert.Single(Warnings(analyze.Err)));
        var own = CliProcess.Run(dir, Limit, "analyze", sweep);
        Assert.True(own.Exit == 0, own.Err);
        Assert.Contains("although the sweep varies train.lr over 2 values", Assert.Single(Warnings(own.Err)));

        var again = CliProcess.Run(dir, Limit, "run", Retention, "--profile", "cpu", "--artifacts", "out", "--jobs", "1", "--resume",
            "--set", "train.steps=100", "--set", "sweep={synthetic.width: [24], synthetic.rare.gap: [50], train.lr: [0.001, 0.003]}");
        Assert.True(again.Exit == 0, again.Err);
        Assert.Contains("although the sweep varies train.lr over 2 values", Assert.Single(Warnings(again.Err)));
    }
}
