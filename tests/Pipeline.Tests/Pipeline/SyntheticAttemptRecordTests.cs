using Retention.Pipeline;
using Retention.Spec;

namespace Retention.Tests.Pipeline;

/// <summary>
/// What a synthetic group records about itself across attempts: a resume that ends before its first new step still says
/// the run stands at its checkpoint (status.json), and train.arrow's elapsed_s continues across the attempts.
/// </summary>
public class SyntheticAttemptRecordTests() : InTempFolder("syn-attempts-")
{
    // One group of two cells; a stop at step 600 of 1,000 leaves the checkpoint 60 logged rows in.
    const string Yaml = "name: s\nsynthetic: {tasks: 6, dims_per_task: 4, width: 3, rare: {frequency: 0.05, gap: 97}}\n" +
                        "train: {steps: 1000, batch_size: 16, log_every: 10, max_loss_ratio: 1000}\nsweep: {synthetic.width: [2, 3]}\n";

    string Sweep => Path.Combine(dir, "s");
    string RunDir(string run) => Path.Combine(Sweep, "runs", run);
    static readonly string[] Runs = ["width-2", "width-3"];

    Task<PipelineResult> Run(IRunProgress progress, CancellationToken stop, bool resume) =>
        PipelineRunner.RunAsync(SpecLoader.LoadText(Yaml, "s.yaml"), dir, progress, stop, resume: resume, analyze: false);

    /// <summary>The group stopped at step 600 or a little after (steps in flight drain); the checkpoint's step.</summary>
    async Task<long> CutAsync()
    {
        using var stop = new CancellationTokenSource();
        var cut = await Run(new StopAt(600, stop), stop.Token, resume: false);
        Assert.All(cut.Runs, r => Assert.Equal("interrupted", r.Status.State));
        long at = cut.Runs[0].Status.Steps;
        Assert.InRange(at, 600, 999);
        return at;
    }

    [Fact]
    public async Task A_resume_stopped_or_failing_before_its_first_step_records_the_checkpoints_step()
    {
        long at = await CutAsync();
        var kept = Runs.ToDictionary(r => r, r => AttemptRecords.TrainRows(RunDir(r)).Select(row => row.Step).ToList());
        Assert.All(kept.Values, steps => Assert.InRange(steps.Last(), at - 9, at));   // logged every 10 steps (and around rare injections)

        using (var stop = new CancellationTokenSource())
        {
            var stopped = await Run(new StopOnInfo("resuming from the checkpoint at step", stop), stop.Token, resume: true);
            Assert.True(stopped.Interrupted);
        }
        foreach (var run in Runs)
        {
            var status = PipelineRunner.ReadStatus(RunDir(run))!;
            Assert.Equal(("interrupted", at, at), (status.State, status.Steps, status.FromStep));
        }

        // The second cell's last table has other columns: the resume refuses it after opening the cell's other tables.
        var injections = Path.Combine(RunDir("width-3"), "injections.arrow");
        await AttemptRecords.Spoil(injections);
        var failure = await Assert.ThrowsAsync<PipelineRunException>(() => Run(SilentProgress.Instance, CancellationToken.None, resume: true));
        Assert.Contains("other columns", failure.Message);
        foreach (var run in Runs)
        {
            var status = PipelineRunner.ReadStatus(RunDir(run))!;
            Assert.Equal(("failed", at, at), (status.State, status.Steps, status.FromStep));
            Assert.Contains("other columns", status.Error);
            // Every row up to the checkpoint is still there, in a complete file.
            Assert.Equal(kept[run], AttemptRecords.TrainRows(RunDir(run)).Select(r => r.Step));
        }

        AttemptRecords.Restore(injections);
        var finished = await Run(SilentProgress.Instance, CancellationToken.None, resume: true);
        Assert.All(finished.Runs, r => Assert.Equal(("completed", 1000L, at), (r.Status.State, r.Status.Steps, r.Status.FromStep)));
    }

    [Fact]
    public async Task Elapsed_time_continues_across_a_resume_instead_of_starting_again()
    {
        long at = await CutAsync();
        var resumed = await Run(SilentProgress.Instance, CancellationToken.None, resume: true);
        Assert.All(resumed.Runs, r => Assert.Equal("completed", r.Status.State));
        foreach (var run in Runs) AttemptRecords.ElapsedContinues(RunDir(run), at);
    }
}
