using Retention.Pipeline;
using Retention.Spec;
using Retention.Tests.Pipeline;

namespace Retention.Tests.Host;

/// <summary>`pipeline status` names a killed run's checkpoint only where a resume continues from it, and an unreadable
/// checkpoint does not stop it.</summary>
public class StatusCheckpointTests() : InTempFolder("status-checkpoint-")
{
    static readonly TimeSpan Limit = TimeSpan.FromMinutes(3);

    const string Yaml = "name: s\nsynthetic: {tasks: 6, dims_per_task: 4, width: 3, rare: {frequency: 0.05, gap: 97}}\n" +
                        "train: {steps: 1000, batch_size: 16, log_every: 10}\nsweep: {synthetic.width: [2, 3]}\n";

    string Sweep => Path.Combine(dir, "s");
    string RunDir(string run) => Path.Combine(Sweep, "runs", run);

    async Task<StopAt> Stopped(long step, bool resume, IReadOnlyCollection<string>? only = null)
    {
        using var stop = new CancellationTokenSource();
        var progress = new StopAt(step, stop);
        var result = await PipelineRunner.RunAsync(SpecLoader.LoadText(Yaml, "s.yaml"), dir, progress, stop.Token, resume: resume, analyze: false, only: only);
        Assert.True(result.Interrupted);
        return progress;
    }

    [Fact]
    public async Task A_resume_trains_each_checkpoints_runs_as_they_were_saved_and_status_says_so()
    {
        await Stopped(600, resume: false);   // both runs together: the group's checkpoint in width-2's folder
        // width-2 alone (as one Slurm task might): it trains from step 0 and its stop saves a checkpoint of width-2 only,
        // in place of the pair's.
        await Stopped(300, resume: true, only: ["width-2"]);
        foreach (var run in new[] { "width-2", "width-3" }) File.Delete(Path.Combine(RunDir(run), "status.json"));   // as a kill leaves them

        var status = CliProcess.Run(dir, Limit, "status", "s");
        Assert.True(status.Exit == 4, status.Err + status.Out);
        // A resume of the sweep trains width-2 alone again, from its own checkpoint; width-3 has none (the pair's is gone).
        var lines = status.Out.Split('\n');
        var kept = System.Text.RegularExpressions.Regex.Match(lines.Single(l => l.Contains("width-2")),
            @"killed\?\); checkpoint at step (\d+): run --resume to continue from it");
        Assert.True(kept.Success, status.Out);
        Assert.InRange(long.Parse(kept.Groups[1].Value), 300, 999);
        Assert.Contains(lines, l => l.Contains("width-3") && l.Contains("killed?") && l.Contains("no checkpoint: run --resume to train it from step 0"));

        // ...as the resume itself does, though one job would otherwise train the two together (and both from step 0).
        var resumed = await Stopped(999, resume: true);
        Assert.Contains($"width-2: resuming from the checkpoint at step {kept.Groups[1].Value}", resumed.Messages);
        Assert.DoesNotContain(resumed.Messages, m => m.StartsWith("width-2") && m.Contains("training from step 0"));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_group_checkpoint_outdated_by_a_run_trained_alone_since_is_not_resumed_and_no_rows_go_missing(bool asOneTask)
    {
        var whole = await PipelineRunner.RunAsync(SpecLoader.LoadText(Yaml, "s.yaml"), Path.Combine(dir, "whole"), SilentProgress.Instance,
            CancellationToken.None, analyze: false);
        await Stopped(600, resume: false);   // both runs together: the pair's checkpoint in width-2's folder
        // width-3 alone (a Slurm task of that run): from step 0, its stop saves {width-3} in its own folder, later than the pair's.
        await Stopped(300, resume: true, only: ["width-3"]);
        Thread.Sleep(20);   // file times must tell the two checkpoints apart

        if (asOneTask)
        {
            // Status of a submitted sweep whose one task trains the pair: it names no checkpoint to continue from, as the resume will.
            await new Retention.Cluster.SlurmSubmission(1, Sweep, dir, null, dir, [["width-2", "width-3"]], new Retention.Cluster.SlurmResources(),
                DateTime.UtcNow.ToString("o")).SaveAsync();
            foreach (var run in new[] { "width-2", "width-3" }) File.Delete(Path.Combine(RunDir(run), "status.json"));   // as a kill leaves them
            var status = CliProcess.Run(dir, Limit, "status", "s");
            Assert.True(status.Exit == 4, status.Err + status.Out);
            foreach (var run in new[] { "width-2", "width-3" })
                Assert.True(status.Out.Split('\n').Any(l => l.Contains(run) && l.Contains("no checkpoint: resubmit (or run --resume) to train it from step 0")), status.Out);
        }

        // The pair's checkpoint (step 600) would continue width-3 past rows it no longer has (they end near 300).
        var progress = new StopAt(long.MaxValue, new CancellationTokenSource());
        await PipelineRunner.RunAsync(SpecLoader.LoadText(Yaml, "s.yaml"), dir, progress, CancellationToken.None, resume: true, analyze: false,
            only: asOneTask ? ["width-2", "width-3"] : null);
        if (asOneTask)   // one Slurm task trains the pair together: from step 0, the pair's checkpoint being stale
            Assert.Contains(progress.Messages, m => m.StartsWith("width-2 (+1): no checkpoint to resume from; training from step 0 (the group's checkpoint is older"));
        else
        {
            // The newest checkpoint first: width-3 continues alone, width-2 (its pair's checkpoint refused) from step 0.
            Assert.Contains(progress.Messages, m => m.StartsWith("width-3: resuming from the checkpoint at step "));
            Assert.Contains(progress.Messages, m => m.StartsWith("width-2: no checkpoint to resume from; training from step 0"));
        }
        const string Metrics = "SELECT run, step, task, loss FROM metrics ORDER BY ALL";
        Assert.Equal(SweepRows.Of(whole.SweepDir, Metrics), SweepRows.Of(Sweep, Metrics));
    }

    [Fact]
    public async Task A_sweep_stopped_under_two_jobs_resumes_under_one_from_its_checkpoints_and_ends_as_if_never_stopped()
    {
        const string Four = "name: s\nsynthetic: {tasks: 6, dims_per_task: 10, width: 3}\n" +
                            "train: {steps: 400, batch_size: 16, log_every: 100}\nsweep: {synthetic.width: [2, 3, 40, 48]}\n";
        var whole = await PipelineRunner.RunAsync(SpecLoader.LoadText(Four, "s.yaml"), Path.Combine(dir, "whole"), SilentProgress.Instance,
            CancellationToken.None, analyze: false, jobs: 2);
        PipelineResult cut;
        using (var stop = new CancellationTokenSource())
            cut = await PipelineRunner.RunAsync(SpecLoader.LoadText(Four, "s.yaml"), Path.Combine(dir, "cut"), new StopWhenAllReach(150, 4, stop), stop.Token,
                analyze: false, jobs: 2);
        Assert.True(cut.Interrupted);

        var progress = new StopAt(long.MaxValue, new CancellationTokenSource());
        var resumed = await PipelineRunner.RunAsync(SpecLoader.LoadText(Four, "s.yaml"), Path.Combine(dir, "cut"), progress, CancellationToken.None,
            resume: true, analyze: false);
        Assert.DoesNotContain(progress.Messages, m => m.Contains("training from step 0"));
        Assert.Equal(2, progress.Messages.Count(m => m.Contains("resuming from the checkpoint at step")));
        Assert.Equal(SweepRows.Of(whole.SweepDir, "SELECT run, step, task, loss FROM metrics ORDER BY ALL"),
                     SweepRows.Of(resumed.SweepDir, "SELECT run, step, task, loss FROM metrics ORDER BY ALL"));
    }

    [Fact]
    public async Task An_unreadable_checkpoint_is_left_out_and_the_others_are_still_reported()
    {
        var result = await PipelineRunner.RunAsync(SpecLoader.LoadText(TinyCorpus.TinyOlmo(dir), "tiny.yaml"), Path.Combine(dir, "artifacts"),
            SilentProgress.Instance, CancellationToken.None, dataDirectory: dir, analyze: false);
        var run = Path.Combine(result.SweepDir, "runs", "default");
        File.Delete(Path.Combine(run, "status.json"));   // killed after its last checkpoint
        var trainer = Path.Combine(run, "checkpoint", "trainer.json");
        File.Delete(trainer);
        Directory.CreateDirectory(trainer);   // reading it throws UnauthorizedAccessException, as an unreadable file does

        var status = CliProcess.Run(dir, Limit, "status", Path.Combine("artifacts", "tiny"));
        Assert.True(status.Exit == 4, status.Err + status.Out);
        Assert.Contains("no checkpoint: run --resume to train it from step 0", status.Out);

        // Damaged rather than unreadable (half a JSON document): not the end of the report, and named, as the resume
        // that would fail on it names it.
        Directory.Delete(trainer);
        File.WriteAllText(trainer, "{\"Step\": 6, \"Con");
        var damaged = CliProcess.Run(dir, Limit, "status", Path.Combine("artifacts", "tiny"));
        Assert.True(damaged.Exit == 4, damaged.Err + damaged.Out);
        var line = string.Concat(damaged.Out.Split('\n').Select(l => l.Trim()));   // the table may wrap a long detail
        Assert.Contains($"its checkpoint cannot be resumed ({trainer}: the checkpoint's trainer state is damaged", line);
        Assert.Contains("a resume fails on it until that is restored, or the checkpoint deleted to train the run from step 0", line);
    }
}

/// <summary>Stops once every one of <paramref name="runs"/> runs has reported <paramref name="step"/>: groups trained side by side
/// (--jobs 2) each reach a checkpoint, however the two threads are scheduled on a busy machine. A run's later steps wait
/// for the others there (its report stage then holds its trainer a few steps on): without that, a job scheduled first
/// could finish all its steps, leaving nothing of it to resume, before the other reached the step.</summary>
sealed class StopWhenAllReach(long step, int runs, CancellationTokenSource stop) : IRunProgress
{
    readonly System.Collections.Concurrent.ConcurrentDictionary<string, bool> reached = new();
    readonly ManualResetEventSlim all = new();
    public void RunStarted(string runId, int index, int count, long totalSteps) { }
    public void Step(string runId, long s, double? loss, DataCounts? data = null)
    {
        if (s < step) return;
        // The first report at the step marks the run (every run of a group is marked before any of them waits).
        if (!reached.TryAdd(runId, true)) { all.Wait(TimeSpan.FromMinutes(2)); return; }   // bounded: a run that failed early never marks
        if (reached.Count == runs) { stop.Cancel(); all.Set(); }
    }
    public void RunFinished(string runId, RunStatus status) { }
    public void Info(string message) { }
}
