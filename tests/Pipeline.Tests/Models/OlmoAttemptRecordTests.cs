using Retention.Pipeline;
using Retention.Spec;
using Retention.Tests.Pipeline;

namespace Retention.Tests.Models;

/// <summary>
/// What an OLMo run records about itself across attempts: a resume that ends before its first new step still says the
/// run stands at its checkpoint (status.json) and keeps the earlier attempt's stage times (stages.arrow); train.arrow's
/// elapsed_s continues across the attempts.
/// </summary>
public class OlmoAttemptRecordTests() : InTempFolder("olmo-attempts-")
{
    const long Steps = 12 + StopAt.RunAhead + 1;   // stopped at 12, and still mid-run however far the trainer ran ahead

    string Yaml() => TinyCorpus.TinyOlmo(dir, Steps);

    string RunDir => Path.Combine(dir, "artifacts", "tiny", "runs", "default");

    Task<PipelineResult> Run(IRunProgress progress, CancellationToken stop, bool resume) =>
        PipelineRunner.RunAsync(SpecLoader.LoadText(Yaml(), "tiny.yaml"), Path.Combine(dir, "artifacts"), progress, stop,
            dataDirectory: dir, resume: resume, analyze: false);

    /// <summary>The run stopped at step 12 or a little after: the stop checkpoints where it stopped; that step.</summary>
    async Task<long> CutAsync()
    {
        using var stop = new CancellationTokenSource();
        var cut = await Run(new StopAt(12, stop), stop.Token, resume: false);
        Assert.Equal("interrupted", cut.Runs.Single().Status.State);
        long at = cut.Runs.Single().Status.Steps;
        Assert.InRange(at, 12, Steps - 1);
        return at;
    }

    /// <summary>The calls of the training step that stages.arrow records: every step trained, over all attempts.</summary>
    long TrainStepCalls() => StageTimes.Read(Path.Combine(RunDir, StageTimes.File)).SingleOrDefault(r => r.Stage == StageTimes.TrainStep)?.Calls ?? 0;

    [Fact]
    public async Task A_resume_stopped_or_failing_before_its_first_step_records_the_checkpoints_step_and_keeps_its_stage_times()
    {
        long at = await CutAsync();
        Assert.Equal(at, TrainStepCalls());

        using (var stop = new CancellationTokenSource())
        {
            var stopped = await Run(new StopOnInfo("resuming from the checkpoint at step", stop), stop.Token, resume: true);
            Assert.True(stopped.Interrupted);
        }
        var status = PipelineRunner.ReadStatus(RunDir)!;
        Assert.Equal(("interrupted", at, at), (status.State, status.Steps, status.FromStep));
        Assert.Equal(at, TrainStepCalls());   // the stopped attempt trained nothing, and kept what the first one spent

        // eval.arrow has other columns: the resume refuses it after opening train.arrow.
        var eval = Path.Combine(RunDir, "eval.arrow");
        await AttemptRecords.Spoil(eval);
        var failure = await Assert.ThrowsAsync<PipelineRunException>(() => Run(SilentProgress.Instance, CancellationToken.None, resume: true));
        Assert.Contains("other columns", failure.Message);
        status = PipelineRunner.ReadStatus(RunDir)!;
        Assert.Equal(("failed", at, at), (status.State, status.Steps, status.FromStep));
        Assert.Equal(Enumerable.Range(1, (int)at).Select(s => (long)s), AttemptRecords.TrainRows(RunDir).Select(r => r.Step));
        Assert.Equal(at, TrainStepCalls());

        AttemptRecords.Restore(eval);
        var finished = await Run(SilentProgress.Instance, CancellationToken.None, resume: true);
        Assert.Equal(("completed", Steps, at), (finished.Runs.Single().Status.State, finished.Runs.Single().Status.Steps, finished.Runs.Single().Status.FromStep));
        Assert.Equal(Steps, TrainStepCalls());   // the first attempt's steps and the last one's: each step trained once
    }

    [Fact]
    public async Task A_resume_after_a_kill_starts_from_the_stage_times_its_checkpoint_saved()
    {
        long at = await CutAsync();
        var saved = StageTimes.Read(Path.Combine(RunDir, "checkpoint", StageTimes.File));
        Assert.Equal(at, saved.Single(r => r.Stage == StageTimes.TrainStep).Calls);   // the times as they stood at the checkpoint's step
        // A SIGKILL writes no stages.arrow: the attempt's time up to its checkpoint is only in the checkpoint.
        File.Delete(Path.Combine(RunDir, StageTimes.File));
        var resumed = await Run(SilentProgress.Instance, CancellationToken.None, resume: true);
        Assert.Equal("completed", resumed.Runs.Single().Status.State);
        Assert.Equal(Steps, TrainStepCalls());   // as an uninterrupted run's: each step trained once
        var evaluate = StageTimes.Read(Path.Combine(RunDir, StageTimes.File)).Single(r => r.Stage == "evaluate");
        Assert.True(evaluate.Seconds > saved.Single(r => r.Stage == "evaluate").Seconds);   // the earlier time kept, the new added
    }

    [Fact]
    public async Task A_checkpoint_without_stage_times_resumes_from_the_runs_stages_arrow_as_before()
    {
        long at = await CutAsync();
        // As an earlier version saved it: without stage times, and without the manifest that lists them.
        File.Delete(Path.Combine(RunDir, "checkpoint", StageTimes.File));
        File.Delete(Path.Combine(RunDir, "checkpoint", CheckpointManifest.File));
        await Run(SilentProgress.Instance, CancellationToken.None, resume: true);
        Assert.Equal(Steps, TrainStepCalls());   // from stages.arrow, which the stopped attempt wrote

        at = await CutAsync();
        File.Delete(Path.Combine(RunDir, "checkpoint", StageTimes.File));
        File.Delete(Path.Combine(RunDir, "checkpoint", CheckpointManifest.File));
        File.Delete(Path.Combine(RunDir, StageTimes.File));   // and killed: neither says what the first attempt spent
        await Run(SilentProgress.Instance, CancellationToken.None, resume: true);
        Assert.Equal(Steps - at, TrainStepCalls());
    }

    [Fact]
    public async Task Elapsed_time_continues_across_a_resume_instead_of_starting_again()
    {
        long at = await CutAsync();
        var resumed = await Run(SilentProgress.Instance, CancellationToken.None, resume: true);
        Assert.Equal("completed", resumed.Runs.Single().Status.State);
        AttemptRecords.ElapsedContinues(RunDir, at);
    }
}
