using Retention.Tests.Host;

namespace Retention.Tests.Advice;

/// <summary>`pipeline advise SWEEP` on a synthetic sweep is refused (advice from trained runs reads OLMo tables), pointing at
/// the sweep's own saved pipeline.yaml, whose advice is exact: it said `pipeline advise FILE`, leaving the reader to find
/// the file (the one trained from needs its profile again; the saved one has it applied). The command named runs as given.</summary>
public sealed class AdviseSyntheticSweepCliTests() : InTempFolder("advise-synthetic-")
{
    static readonly TimeSpan Limit = TimeSpan.FromMinutes(3);

    static string Yaml(string rare) => """
        name: mix
        device: cpu
        synthetic: {tasks: 2, dims_per_task: 2, width: 1RARE}
        train: {steps: 10, batch_size: 8, log_every: 10}
        profiles:
          small: {synthetic: {tasks: 3}}
        """.Replace("RARE", rare);

    [Fact]
    public void The_refusal_names_the_sweep_s_saved_pipeline_file_and_that_command_advises()
    {
        File.WriteAllText(Path.Combine(dir, "mix.yaml"), Yaml(", rare: {frequency: 0.05}"));
        Assert.Equal(0, CliProcess.Run(dir, Limit, "run", "mix.yaml", "--profile", "small", "--no-analysis").Exit);
        var saved = Path.Combine("artifacts", "mix-small", "pipeline.yaml");

        var refused = CliProcess.Run(dir, Limit, "advise", Path.Combine("artifacts", "mix-small"));
        Assert.True(refused.Exit == 2, refused.Out + refused.Err);
        Assert.Contains("has no task_metrics table: advice from trained runs needs an OLMo sweep (experiment: olmo); this synthetic " +
            $"sweep's advice is exact, from its saved pipeline file: pipeline advise {saved}", refused.Err);

        var named = CliProcess.Run(dir, Limit, "advise", saved);
        Assert.True(named.Exit == 0, named.Out + named.Err);
        Assert.Contains("advice_widths", named.Out);
    }

    [Fact]
    public void A_synthetic_sweep_without_a_rare_task_is_told_its_file_has_none()
    {
        File.WriteAllText(Path.Combine(dir, "mix.yaml"), Yaml(""));
        Assert.Equal(0, CliProcess.Run(dir, Limit, "run", "mix.yaml", "--no-analysis").Exit);
        var saved = Path.Combine("artifacts", "mix", "pipeline.yaml");

        var refused = CliProcess.Run(dir, Limit, "advise", Path.Combine("artifacts", "mix"));
        Assert.True(refused.Exit == 2, refused.Out + refused.Err);
        Assert.Contains($"this synthetic sweep's advice would be exact, from its pipeline file (pipeline advise {saved}), but its " +
            "pipeline has no synthetic.rare task to advise on", refused.Err);
        // As that command itself says.
        Assert.Contains("synthetic advice needs a synthetic.rare task", CliProcess.Run(dir, Limit, "advise", saved).Err);
    }
}
