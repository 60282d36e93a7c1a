using Retention.Tests.Host;

namespace Retention.Tests.Advice;

/// <summary>`pipeline advise SWEEP/pipeline.yaml` (a synthetic sweep's stored copy: `advise SWEEP` points there) writes by
/// default where `advise FILE --profile P` writes for the file the sweep was trained from, artifacts/advice/NAME-P: the
/// stored copy has its profile applied and names none, so its advice went to artifacts/advice/NAME, the folder of the file's
/// advice without the profile.</summary>
public sealed class AdviseStoredCopyCliTests() : InTempFolder("advise-stored-")
{
    static readonly TimeSpan Limit = TimeSpan.FromMinutes(3);

    const string Yaml = """
        name: mix
        device: cpu
        synthetic: {tasks: 2, dims_per_task: 2, width: 1, rare: {frequency: 0.05}}
        train: {steps: 10, batch_size: 8, log_every: 10}
        profiles:
          small: {synthetic: {tasks: 3}}
        """;

    [Fact]
    public void A_sweep_s_stored_pipeline_is_advised_into_the_sweep_s_name_profile_included()
    {
        File.WriteAllText(Path.Combine(dir, "mix.yaml"), Yaml);
        var run = CliProcess.Run(dir, Limit, "run", "mix.yaml", "--profile", "small", "--no-analysis");
        Assert.True(run.Exit == 0, run.Out + run.Err);
        var sweepAdvice = Path.Combine(dir, "artifacts", "advice", "mix-small");

        var stored = CliProcess.Run(dir, Limit, "advise", Path.Combine("artifacts", "mix-small", "pipeline.yaml"));
        Assert.True(stored.Exit == 0, stored.Out + stored.Err);
        Assert.Contains($"advice: {sweepAdvice}{Environment.NewLine}", stored.Out);
        Assert.False(Directory.Exists(Path.Combine(dir, "artifacts", "advice", "mix")), "the profile-less file's folder is not written");

        // The file with its profile gives the same advice (its printed tables), said in the same folder.
        var file = CliProcess.Run(dir, Limit, "advise", "mix.yaml", "--profile", "small");
        Assert.True(file.Exit == 0, file.Out + file.Err);
        Assert.Equal(stored.Out, file.Out);
    }
}
