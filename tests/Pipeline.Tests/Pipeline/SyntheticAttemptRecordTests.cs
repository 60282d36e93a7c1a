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

    [Fact]
    public async Task A_resumed_run_keeps_each_attempts_code_version_and_says_when_another_build_continues_it()
    {
        long at = await CutAsync();
        // The cut as if an earlier build had trained it: its provenance names another version.
        const string older = "0.9.0+0123abc";
        foreach (var run in Runs)
        {
            var cut = SweepContract.ReadProvenance(RunDir(run))!;
            Assert.Equal(("interrupted", 0L, null), (cut.State, cut.FromStep, cut.EarlierAttempts));
            await SweepContract.WriteAsync(RunDir(run), cut with { Version = older });
        }
        // Resumed by this build and stopped again, then finished by it: three attempts, two versions.
        using (var stop = new CancellationTokenSource())
        {
            var second = new StopAt(at + 100, stop);
            var stopped = await Run(second, stop.Token, resume: true);
            Assert.All(stopped.Runs, r => Assert.Equal("interrupted", r.Status.State));
            Assert.Contains(second.Messages, m => m.StartsWith($"warning: width-2: trained so far by version {older}, continued by {SweepContract.CodeVersion}",
                StringComparison.Ordinal));
        }
        long secondAt = PipelineRunner.ReadStatus(RunDir(Runs[0]))!.Steps;
        var third = new StopAt(long.MaxValue, new CancellationTokenSource());
        var finished = await Run(third, CancellationToken.None, resume: true);
        Assert.All(finished.Runs, r => Assert.Equal("completed", r.Status.State));
        Assert.DoesNotContain(third.Messages, m => m.Contains("trained so far by version"));   // the attempt before it is this build's
        foreach (var run in Runs)
        {
            var p = SweepContract.ReadProvenance(RunDir(run))!;
            Assert.Equal((SweepContract.CodeVersion, "completed", secondAt), (p.Version, p.State, p.FromStep));
            Assert.Equal([(older, "interrupted", 0L), (SweepContract.CodeVersion, "interrupted", at)],
                p.EarlierAttempts!.Select(e => (e.Version, e.State, e.FromStep)));
        }
    }
}
