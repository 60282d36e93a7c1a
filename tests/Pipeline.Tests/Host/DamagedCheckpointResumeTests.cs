using Retention.Pipeline;
using Retention.Spec;
using Retention.Tests.Pipeline;

namespace Retention.Tests.Host;

/// <summary>An interrupted OLMo run whose checkpoint or sealed table parts were damaged after it stopped: `run --resume`
/// says which file and what to do, in one line, and never continues past rows a table no longer has.</summary>
public class DamagedCheckpointResumeTests() : InTempFolder("damaged-checkpoint-")
{
    static readonly TimeSpan Limit = TimeSpan.FromMinutes(3);

    string RunDir => Path.Combine(dir, "tiny", "runs", "default");

    /// <summary>The tiny OLMo pipeline with the gradient probe (whose state a checkpoint keeps), in tiny.yaml.</summary>
    string WritePipeline(long steps)
    {
        var yaml = TinyCorpus.TinyOlmo(dir, steps, ", checkpoint_every: 4") + "\nprobes: {every: 4, gradients: {neurons: 4, instances: 16}}\n";
        File.WriteAllText(Path.Combine(dir, "tiny.yaml"), yaml);
        return yaml;
    }

    /// <summary>Trains the pipeline and stops it (as Ctrl+C does) at step 10: a checkpoint at the last step fed (10 or a little after), the tables completed.
    /// Of 100 steps: the trainer may run up to the write stage's queue (64 steps) ahead of the step reported, and on a
    /// loaded machine a run of 40 steps had completed before step 10 was reported.</summary>
    async Task StoppedRun()
    {
        var yaml = WritePipeline(100);
        using var stop = new CancellationTokenSource();
        var result = await PipelineRunner.RunAsync(SpecLoader.LoadText(yaml, Path.Combine(dir, "tiny.yaml")), dir, new StopAt(10, stop), stop.Token, dataDirectory: dir,
            analyze: false);
        Assert.True(result.Interrupted);
        Assert.True(File.Exists(Path.Combine(RunDir, "checkpoint", "gradient_probe.bin")));
    }

    (int Exit, string Out, string Err) Resume() =>
        CliProcess.Run(dir, Limit, "run", "tiny.yaml", "--resume", "--artifacts", dir, "--no-analysis");

    static void Truncate(string path, long length)
    {
        using var f = new FileStream(path, FileMode.Open);
        f.SetLength(length);
    }

    [Fact]
    public async Task A_truncated_gradient_probe_state_in_the_checkpoint_is_named_by_its_path()
    {
        await StoppedRun();
        var state = Path.Combine(RunDir, "checkpoint", "gradient_probe.bin");
        var whole = File.ReadAllBytes(state);
        Truncate(state, 10);

        var resumed = Resume();
        Assert.True(resumed.Exit == 1, resumed.Out + resumed.Err);
        var error = Assert.Single(resumed.Err.Split('\n'), l => l.StartsWith("error:"));
        Assert.Contains(state, error);
        Assert.Contains("damaged", error);
        Assert.DoesNotContain("Unable to read beyond the end of the stream", error);

        // Restored, the run continues from its checkpoint and completes: the refusal lost nothing.
        File.WriteAllBytes(state, whole);
        var again = Resume();
        Assert.True(again.Exit == 0 && !again.Out.Contains("no checkpoint"), again.Out + again.Err);
        Assert.True(again.Out.Contains("resuming from the checkpoint at step "), again.Out + again.Err);
        Assert.Equal("100,100", SweepRows.Of(Path.Combine(dir, "tiny"), "SELECT count(*), count(DISTINCT step) FROM train"));
    }

    [Theory]
    [InlineData("{}", "at step 0 but its trainer state")]        // well-formed, but not this checkpoint's cursor
    [InlineData("{\"Step\": 3", "data cursor is damaged")]     // cut short
    public async Task A_data_cursor_that_does_not_fit_its_checkpoint_is_named_by_its_path_with_what_to_do(string cursor, string said)
    {
        await StoppedRun();
        var file = Path.Combine(RunDir, "checkpoint", "cursor.json");
        var whole = File.ReadAllText(file);
        File.WriteAllText(file, cursor);

        var resumed = Resume();
        Assert.True(resumed.Exit == 1, resumed.Out + resumed.Err);
        var error = Assert.Single(resumed.Err.Split('\n'), l => l.StartsWith("error:"));
        Assert.Contains(file, error);
        Assert.Contains(said, error);
        Assert.Contains("restore", error);

        File.WriteAllText(file, whole);   // restored, the run continues from its checkpoint
        var again = Resume();
        Assert.True(again.Exit == 0 && again.Out.Contains("resuming from the checkpoint at step "), again.Out + again.Err);
    }

    /// <summary>A checkpoint folder copied or restored in part: the resume names the folder and every file it lacks (each
    /// missing file failed alone before, as .NET's "Could not find file", or as TorchSharp's bare path for model.bin).</summary>
    [Theory]
    [InlineData("optimizer.bin", "cursor.json")]
    [InlineData("trainer.json", "model.bin")]
    public async Task A_checkpoint_missing_files_is_named_by_resume_with_every_file_it_lacks(string first, string second)
    {
        await StoppedRun();
        var checkpoint = Path.Combine(RunDir, "checkpoint");
        var saved = new[] { first, second }.ToDictionary(f => f, f => File.ReadAllBytes(Path.Combine(checkpoint, f)));
        foreach (var f in saved.Keys) File.Delete(Path.Combine(checkpoint, f));

        var resumed = Resume();
        Assert.True(resumed.Exit == 1, resumed.Out + resumed.Err);
        var error = Assert.Single(resumed.Err.Split('\n'), l => l.StartsWith("error:"));
        Assert.Contains($"{checkpoint}: the checkpoint is incomplete: it lacks ", error);
        foreach (var f in saved.Keys) Assert.Contains(f + " (", error);
        Assert.DoesNotContain("Could not find file", error);

        foreach (var (f, bytes) in saved) File.WriteAllBytes(Path.Combine(checkpoint, f), bytes);   // restored, the run continues
        var again = Resume();
        Assert.True(again.Exit == 0 && again.Out.Contains("resuming from the checkpoint at step "), again.Out + again.Err);
    }

    /// <summary>A stopped run (its status.json says interrupted) whose checkpoint was damaged or copied in part since: status
    /// names the problem, as for a killed run, where it said "stopped at step N; run --resume to continue" and the resume failed.</summary>
    [Theory]
    [InlineData("trainer.json", "the checkpoint's trainer state is damaged")]
    [InlineData("optimizer.bin", "the checkpoint is incomplete: it lacks optimizer.bin")]
    public async Task Status_of_a_stopped_run_names_a_checkpoint_the_resume_would_refuse(string file, string said)
    {
        await StoppedRun();
        var path = Path.Combine(RunDir, "checkpoint", file);
        if (file.EndsWith(".json")) File.WriteAllText(path, "{\"Step\": 6, \"Con"); else File.Delete(path);

        var status = CliProcess.Run(dir, Limit, "status", Path.Combine(dir, "tiny"));
        Assert.True(status.Exit == 4, status.Out + status.Err);
        static string Squashed(string text) => string.Concat(text.Where(c => !char.IsWhiteSpace(c)));   // the table wraps it anywhere
        Assert.True(Squashed(status.Out).Contains(Squashed("its checkpoint cannot be resumed (")) && Squashed(status.Out).Contains(Squashed(said)),
            status.Out);
        Assert.DoesNotContain("tocontinue", Squashed(status.Out));
    }

    /// <summary>Both tables a checkpoint keeps (its data-quality log was refused as Apache.Arrow's "Invalid magic at offset
    /// &lt;100&gt;", naming no file).</summary>
    [Theory]
    [InlineData("stages.arrow")]
    [InlineData("data_quality.arrow")]
    public async Task A_damaged_table_in_the_checkpoint_names_the_runs_directory_to_delete_not_the_checkpoint(string table)
    {
        await StoppedRun();
        var file = Path.Combine(RunDir, "checkpoint", table);
        Truncate(file, 100);

        var resumed = Resume();
        Assert.True(resumed.Exit == 1, resumed.Out + resumed.Err);
        var error = Assert.Single(resumed.Err.Split('\n'), l => l.StartsWith("error:"));
        Assert.Contains(file + ": cannot be read (", error);
        Assert.Contains($"delete the run's directory ({RunDir}) and run again with --resume", resumed.Err);
        Assert.DoesNotContain($"({Path.Combine(RunDir, "checkpoint")})", resumed.Err);
    }

    long Checkpoint()
    {
        var meta = Path.Combine(RunDir, "checkpoint", "trainer.json");
        try { return File.Exists(meta) ? System.Text.Json.JsonDocument.Parse(File.ReadAllText(meta)).RootElement.GetProperty("Step").GetInt64() : 0; }
        catch (Exception e) when (e is IOException or System.Text.Json.JsonException) { return 0; }
    }

    /// <summary>Trains the pipeline and kills it (SIGKILL) once a checkpoint at step 16 or later is in place: tables in sealed parts.</summary>
    void KilledRun(long steps = 2_000)
    {
        WritePipeline(steps);
        using var cut = CliProcess.Start(dir, "run", "tiny.yaml", "--artifacts", dir, "--no-analysis");
        cut.WaitUntil(() => Checkpoint() >= 16, Limit, "checkpoint at step 16");
        cut.KillHard();
    }

    [Fact]
    public void A_sealed_part_missing_from_a_killed_runs_table_is_refused_by_resume_not_skipped_over()
    {
        KilledRun();
        var parts = Path.Combine(RunDir, "train.arrow.parts");
        var files = Directory.GetFiles(parts).Order().ToList();
        Assert.True(files.Count >= 4, string.Join(", ", files));
        File.Delete(files[1]);   // the rows of steps 5 to 8
        var evalParts = Directory.GetFiles(Path.Combine(RunDir, "eval.arrow.parts")).Order().ToList();

        var resumed = Resume();
        Assert.True(resumed.Exit == 1, resumed.Out + resumed.Err);
        Assert.Contains(Path.Combine(parts, "000002-*.arrow") + ": is missing", resumed.Err);
        Assert.Contains("delete the run's directory", resumed.Err);
        Assert.DoesNotContain("[1/1 runs completed]", resumed.Out);
        // Refused before any table was cut.
        Assert.Equal(evalParts, Directory.GetFiles(Path.Combine(RunDir, "eval.arrow.parts")).Order().ToList());
    }

    /// <summary>The part sealed at the checkpoint's own step, deleted: the parts before it are in order, so only the checkpoint's
    /// manifest tells the loss; and the checkpoint's data-quality log, deleted, which an older checkpoint may lack.</summary>
    [Theory]
    [InlineData("last part")]
    [InlineData("data-quality log")]
    public void A_file_the_checkpoint_was_saved_with_is_refused_by_resume_when_deleted_and_restored_continues(string deleted)
    {
        KilledRun(steps: 300);
        long step = Checkpoint();
        var parts = Path.Combine(RunDir, "train.arrow.parts");
        string file = deleted == "last part"
            ? Directory.GetFiles(parts).Single(f => Path.GetFileName(f).EndsWith($"-{step}.arrow", StringComparison.Ordinal))   // train logs every step
            : Path.Combine(RunDir, "checkpoint", "data_quality.arrow");
        var bytes = File.ReadAllBytes(file);
        File.Delete(file);
        string said = deleted == "last part" ? Path.Combine(parts, Path.GetFileName(file)[..6] + "-*.arrow") + ": is missing: part" : file + ": is missing from the checkpoint";

        // status says it before a resume is tried (exit 4: nothing will continue the run as it is)...
        var status = CliProcess.Run(dir, Limit, "status", Path.Combine(dir, "tiny"));
        Assert.True(status.Exit == 4, status.Out + status.Err);
        Assert.Contains($"its checkpoint cannot be resumed ({said}", string.Concat(status.Out.Split('\n').Select(l => l.Trim())));   // the table may wrap it
        // ...and the resume refuses, touching nothing.
        var resumed = Resume();
        Assert.True(resumed.Exit == 1, resumed.Out + resumed.Err);
        var error = Assert.Single(resumed.Err.Split('\n'), l => l.StartsWith("error:"));
        Assert.Contains(said, error);
        Assert.Contains($"delete the run's directory ({RunDir})", error);

        File.WriteAllBytes(file, bytes);   // restored, the run continues from its checkpoint
        var again = Resume();
        Assert.True(again.Exit == 0 && again.Out.Contains($"resuming from the checkpoint at step {step}"), again.Out + again.Err);
        Assert.Equal("300,300", SweepRows.Of(Path.Combine(dir, "tiny"), "SELECT count(*), count(DISTINCT step) FROM train"));
    }

    [Fact]
    public void Probe_with_a_negative_thread_count_is_a_usage_error()
    {
        var probe = CliProcess.Run(dir, Limit, "probe", dir, "--threads", "-1");
        Assert.True(probe.Exit == 2, probe.Out + probe.Err);
        Assert.Contains("error: --threads must be ≥ 0, got -1", probe.Err);
    }
}
