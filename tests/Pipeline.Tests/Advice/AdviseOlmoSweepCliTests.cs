using Retention.Tests.Host;
using Retention.Tests.Pipeline;

namespace Retention.Tests.Advice;

/// <summary>`pipeline advise SWEEP` on an OLMo sweep it has nothing to read from says what the sweep lacks. A sweep whose runs
/// wrote no task_metrics yet (killed before their first checkpoint) was told "advice from trained runs needs an OLMo sweep
/// (experiment: olmo)", though it is one; a completed sweep injecting no task was told it had no evaluated task "yet".</summary>
public sealed class AdviseOlmoSweepCliTests() : InTempFolder("advise-olmo-")
{
    static readonly TimeSpan Limit = TimeSpan.FromMinutes(3);

    [Fact]
    public void A_sweep_whose_runs_have_written_no_task_metrics_yet_is_told_so_and_where_to_see_how_far_they_are()
    {
        // Killed long before its first checkpoint, the one run has written model.arrow and tasks.arrow but no task_metrics.arrow.
        File.WriteAllText(Path.Combine(dir, "tiny.yaml"), TinyCorpus.TinyOlmo(dir, steps: 100_000, olmoExtra: ", checkpoint_every: 100000") + "\n");
        using (var run = CliProcess.Start(dir, "run", "tiny.yaml", "--no-analysis"))
        {
            run.WaitForStep(1, Limit);
            run.KillHard();
            run.WaitForExit(Limit);
        }
        var runDir = Path.Combine(dir, "artifacts", "tiny", "runs", "default");
        Assert.True(File.Exists(Path.Combine(runDir, "model.arrow")));
        Assert.False(File.Exists(Path.Combine(runDir, "task_metrics.arrow")));

        var advise = CliProcess.Run(dir, Limit, "advise", Path.Combine("artifacts", "tiny"), "--output", "out");
        Assert.True(advise.Exit == 2, advise.Out + advise.Err);
        Assert.Contains("has no task_metrics table: the runs write table 'task_metrics', but none has written it yet: a run writes its " +
            "tables at its checkpoints and when it ends (runs still training, or stopped before their first checkpoint; `pipeline status` " +
            "shows how far they are); advise once they have", advise.Err);
        Assert.DoesNotContain("needs an OLMo sweep", advise.Err);
        Assert.False(Directory.Exists(Path.Combine(dir, "out")));
    }

    [Fact]
    public void A_sweep_injecting_no_task_is_told_its_runs_evaluate_none_and_what_advice_needs()
    {
        var yaml = TinyCorpus.TinyOlmo(dir);
        var none = yaml.Replace("  tasks: [{kind: modular_addition, frequency: 0.02}]", "  tasks: []");
        Assert.NotEqual(yaml, none);
        File.WriteAllText(Path.Combine(dir, "none.yaml"), none + "\n");
        var trained = CliProcess.Run(dir, Limit, "run", "none.yaml", "--no-analysis");
        Assert.True(trained.Exit == 0, trained.Out + trained.Err);

        var advise = CliProcess.Run(dir, Limit, "advise", Path.Combine("artifacts", "tiny"), "--output", "out");
        Assert.True(advise.Exit == 2, advise.Out + advise.Err);
        Assert.Contains("its runs inject no task (data.tasks is empty in its pipeline.yaml), so none was evaluated: advice from trained " +
            "runs needs runs that inject the task to advise on, at two or more frequencies", advise.Err);
        Assert.DoesNotContain("yet", advise.Err);
        Assert.False(Directory.Exists(Path.Combine(dir, "out")));
    }
}
