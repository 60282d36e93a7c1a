namespace Retention.Tests.Host;

/// <summary>`run --resume` that finds no runs to continue (the profile left out, the sweep under another --artifacts) trains
/// every run from step 0, as a plain run does, and says so, naming the sweep of the same pipeline under another profile.</summary>
public class ResumeFromNothingTests() : InTempFolder("resume-nothing-")
{
    static readonly TimeSpan Limit = TimeSpan.FromMinutes(2);

    [Fact]
    public void A_resume_without_the_profile_of_the_trained_sweep_says_it_trains_afresh_and_names_that_sweep()
    {
        File.WriteAllText(Path.Combine(dir, "syn.yaml"), string.Join('\n',
            "name: syn", "synthetic: {tasks: 2, dims_per_task: 2, width: 2}", "train: {steps: 3, batch_size: 4, log_every: 1}",
            "profiles: {small: {train: {steps: 2}}}", ""));
        // Another pipeline's sweep whose folder starts with this one's name is not taken for it.
        File.WriteAllText(Path.Combine(dir, "other.yaml"), "name: syn-x\nsynthetic: {tasks: 2, dims_per_task: 2, width: 2}\ntrain: {steps: 2, batch_size: 4}\n");
        foreach (var args in new[] { new[] { "run", "syn.yaml", "--profile", "small" }, ["run", "other.yaml"] })
        {
            var trained = CliProcess.Run(dir, Limit, [.. args, "--no-analysis"]);
            Assert.True(trained.Exit == 0, trained.Err + trained.Out);
        }

        var resumed = CliProcess.Run(dir, Limit, "run", "syn.yaml", "--resume", "--no-analysis");
        Assert.True(resumed.Exit == 0, resumed.Err + resumed.Out);
        var all = resumed.Out + resumed.Err;
        Assert.Contains($"note: --resume found no earlier runs in {Path.Combine("artifacts", "syn")}: every run trains from step 0; " +
                        $"{Path.Combine("artifacts", "syn-small")} (--profile small) holds this pipeline's runs", resumed.Err);   // on stderr, with the other notes
        Assert.DoesNotContain("syn-x", all);

        // With the profile it continues that sweep: nothing to say.
        var again = CliProcess.Run(dir, Limit, "run", "syn.yaml", "--profile", "small", "--resume", "--no-analysis");
        Assert.True(again.Exit == 0, again.Err + again.Out);
        Assert.DoesNotContain("no earlier runs", again.Out + again.Err);
        Assert.Contains("completed earlier, skipped (--resume)", again.Out);
    }
}
