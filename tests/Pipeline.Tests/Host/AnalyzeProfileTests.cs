namespace Retention.Tests.Host;

/// <summary>`analyze SWEEP --pipeline FILE` read FILE without a profile: over a sweep trained with `--profile cpu` whose
/// profile declares its own analysis, it ran the file's base analysis instead and moved the profile's tables aside, and
/// the hint after a failed analysis named no profile. `--profile NAME` (with --pipeline) applies it.</summary>
public class AnalyzeProfileTests() : InTempFolder("analyze-profile-")
{
    static readonly TimeSpan Limit = TimeSpan.FromMinutes(2);

    [Fact]
    public void Analyze_with_pipeline_and_profile_runs_the_profiles_analysis()
    {
        File.WriteAllText(Path.Combine(dir, "p.yaml"), string.Join('\n',
            "name: p", "synthetic: {tasks: 4, dims_per_task: 2, width: 2}", "train: {steps: 20, log_every: 10}",
            "analysis: {tables: [{name: base_t, sql: 'SELECT count(*) AS n FROM metrics'}]}",
            "profiles:",
            "  cpu:",
            "    analysis: {tables: [{name: cpu_t, sql: 'SELECT CAST(''x'' || max(step) AS INTEGER) AS s FROM metrics'}]}") + "\n");
        var run = CliProcess.Run(dir, Limit, "run", "p.yaml", "--profile", "cpu");
        Assert.Equal(1, run.Exit);   // the profile's table fails when it runs: the hint names the profile
        Assert.Contains("`pipeline analyze artifacts/p-cpu --pipeline FILE --profile cpu` redoes it without training", run.Err);

        File.WriteAllText(Path.Combine(dir, "p.yaml"), File.ReadAllText(Path.Combine(dir, "p.yaml")).Replace("CAST(''x'' || max(step) AS INTEGER)", "max(step)"));
        var analyzed = CliProcess.Run(dir, Limit, "analyze", Path.Combine("artifacts", "p-cpu"), "--pipeline", "p.yaml", "--profile", "cpu");
        Assert.True(analyzed.Exit == 0, analyzed.Err);
        Assert.True(File.Exists(Path.Combine(dir, "artifacts", "p-cpu", "analysis", "cpu_t.arrow")));
        Assert.False(File.Exists(Path.Combine(dir, "artifacts", "p-cpu", "analysis", "base_t.arrow")));

        var alone = CliProcess.Run(dir, Limit, "analyze", Path.Combine("artifacts", "p-cpu"), "--profile", "cpu");
        Assert.Equal(2, alone.Exit);
        Assert.Contains("--profile cpu applies to --pipeline FILE", alone.Err);
    }
}
