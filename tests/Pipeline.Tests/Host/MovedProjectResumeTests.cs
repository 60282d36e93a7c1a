using System.Text.Json;
using Retention.Tests.Pipeline;

namespace Retention.Tests.Host;

/// <summary>
/// README (Artifacts / the CLI): "A project moved whole, or reached through a symlink, resumes." A project folder
/// holds its data, tokenizer, pipeline (naming both relatively) and artifacts; an OLMo run in it is stopped with
/// SIGTERM after a checkpoint, the folder is moved (or reached through a symlink), and `run --resume` from there
/// continues it: its tables equal an uninterrupted run's, row for row.
/// </summary>
public class MovedProjectResumeTests() : InTempFolder("moved-resume-")
{
    static readonly TimeSpan Limit = TimeSpan.FromMinutes(4);
    const int Steps = 600;

    /// <summary>dir/NAME: data/shards/a.jsonl (its lines with ids or without), tok/bytes-*, pipelines/tiny.yaml with relative paths,
    /// holding out one document in <paramref name="heldOutEvery"/> (0: none) for the validation loss.</summary>
    string Project(string name, bool ids = true, int heldOutEvery = 10)
    {
        var project = Path.Combine(dir, name);
        TinyCorpus.WriteMovableProject(project, ids);
        File.WriteAllText(Path.Combine(project, "pipelines", "tiny.yaml"), string.Join('\n',
            "name: tiny", "experiment: olmo", "device: cpu",
            "data:",
            "  sources: [{paths: ['../data/shards/*.jsonl'], epochs: 0}]",
            "  tokenizer: {kind: bpe, path: ../tok/bytes-vocab.json, merges_path: ../tok/bytes-merges.txt}",
            $"  packing: {{seq_len: 16, batch_size: 4, held_out_every: {heldOutEvery}, validation_rows: 4}}",
            "  tasks: [{kind: modular_addition, frequency: 0.02}, {kind: comparison, frequency: 0.01, gap: 7}]",
            "olmo: {preset: 4M, layers: 2, hidden: 32, mlp_dim: 64, heads: 4, eval_every: 15, eval_instances: 8, checkpoint_every: 20}",
            $"train: {{steps: {Steps}, lr: 0.003, warmup_steps: 5, log_every: 1}}") + "\n");
        return project;
    }


    static string State(string runDir) =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(runDir, "status.json"))).RootElement.GetProperty("state").GetString()!;

    /// <summary>Starts `run pipelines/tiny.yaml --artifacts ARTIFACTS` in <paramref name="project"/> and stops it with
    /// SIGTERM once a checkpoint at step 60 or later exists; the run must be left interrupted mid-run.</summary>
    static void RunAndStop(string project, string artifacts)
    {
        var runDir = Path.Combine(project, artifacts, "tiny", "runs", "default");
        using var cut = CliProcess.Start(project, "run", "pipelines/tiny.yaml", "--artifacts", artifacts, "--no-analysis");
        cut.WaitUntil(() => SavedCheckpoint.Step(runDir) >= 60, Limit, "a checkpoint at step 60");
        cut.Signal(15);
        var (exit, output, err) = cut.WaitForExit(Limit);
        Assert.True(exit == 130, $"exit {exit}: {err}{output}");
        Assert.Equal("interrupted", State(runDir));
        Assert.InRange(SavedCheckpoint.Step(runDir), 60, Steps - 1);   // stopped mid-run
    }

    static void ResumedEqualsWhole(string resumedSweep, string wholeSweep)
    {
        foreach (var sql in new[] {
            "SELECT step, loss, lr, grad_norm, tokens, compute_flops FROM train ORDER BY step",
            "SELECT step, tokens, validation_loss FROM eval ORDER BY step",
            "SELECT step, task, split, loss, accuracy, label_accuracy FROM task_metrics ORDER BY step, task, split",
            "SELECT step, row, \"offset\", task, instance_id FROM injections ORDER BY step, row, \"offset\"" })
            Assert.Equal(SweepRows.Of(wholeSweep, sql), SweepRows.Of(resumedSweep, sql));
        Assert.Equal(Steps.ToString(), SweepRows.Of(resumedSweep, "SELECT count(*) FROM train"));
        Assert.Equal((Steps / 15 + 1).ToString(), SweepRows.Of(resumedSweep, "SELECT count(*) FROM eval"));   // step 0 and every 15
    }

    /// <summary>An uninterrupted run (artifacts "whole") and one stopped mid-run (artifacts "cut") of the project.</summary>
    static void TrainWholeAndCut(string project)
    {
        var whole = CliProcess.Run(project, Limit, "run", "pipelines/tiny.yaml", "--artifacts", "whole", "--no-analysis");
        Assert.True(whole.Exit == 0, whole.Err + whole.Out);
        RunAndStop(project, "cut");
    }

    /// <summary>The resume continued the checkpoint and completed the run of <paramref name="sweep"/>.</summary>
    static void AssertResumed((int Exit, string Out, string Err) resumed, string sweep)
    {
        Assert.True(resumed.Exit == 0, resumed.Err + resumed.Out);
        Assert.Contains("resuming from the checkpoint at step", resumed.Out);
        Assert.Equal("completed", State(Path.Combine(sweep, "runs", "default")));
    }

    [Fact]
    public void A_project_moved_whole_resumes_its_interrupted_olmo_run_with_tables_equal_to_an_uninterrupted_run()
    {
        var project = Project("project");
        TrainWholeAndCut(project);

        var moved = Path.Combine(dir, "renamed", "project-moved");
        Directory.CreateDirectory(Path.GetDirectoryName(moved)!);
        Directory.Move(project, moved);
        Assert.False(Directory.Exists(project));   // the folder the run recorded is gone

        AssertResumed(CliProcess.Run(moved, Limit, "run", "pipelines/tiny.yaml", "--artifacts", "cut", "--no-analysis", "--resume"),
            Path.Combine(moved, "cut", "tiny"));
        ResumedEqualsWhole(Path.Combine(moved, "cut", "tiny"), Path.Combine(moved, "whole", "tiny"));
    }

    /// <summary>Documents without ids are named by shard and line; the held-out split hashes those names, so a name
    /// holding the project's folder would hold out other documents after the move (another validation loss, another
    /// training stream).</summary>
    [Fact]
    public void A_moved_project_whose_corpus_has_no_ids_resumes_with_tables_equal_to_an_uninterrupted_run()
    {
        var project = Project("project", ids: false);
        TrainWholeAndCut(project);

        var moved = Path.Combine(dir, "elsewhere", "deeper", "project-moved");
        Directory.CreateDirectory(Path.GetDirectoryName(moved)!);
        Directory.Move(project, moved);

        AssertResumed(CliProcess.Run(moved, Limit, "run", "pipelines/tiny.yaml", "--artifacts", "cut", "--no-analysis", "--resume"),
            Path.Combine(moved, "cut", "tiny"));
        ResumedEqualsWhole(Path.Combine(moved, "cut", "tiny"), Path.Combine(moved, "whole", "tiny"));
        Assert.Equal("relative", Provenance(Path.Combine(moved, "cut", "tiny", "runs", "default")).GetProperty("document_ids").GetString());
    }

    static JsonElement Provenance(string runDir) => JsonDocument.Parse(File.ReadAllText(Path.Combine(runDir, "provenance.json"))).RootElement;

    /// <summary>A run trained before ids were relative (its provenance.json has no document_ids) named id-less documents by
    /// absolute paths under the folder it first read from: resumed, even from a moved project, it keeps them.</summary>
    [Fact]
    public void A_run_recorded_before_relative_ids_resumes_with_the_absolute_ids_it_started_with()
    {
        // Its first attempt is this version's, so it trained on relative ids; a resume under absolute ids would see another
        // held-out split, and the data cursor another stream (a failure whose odds hang on the temp folder's random name).
        // A run an earlier version trained had absolute ids all along; holding nothing out makes the imitation faithful.
        var project = Project("project", ids: false, heldOutEvery: 0);
        RunAndStop(project, "cut");
        var runDir = Path.Combine(project, "cut", "tiny", "runs", "default");
        var old = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(runDir, "provenance.json")))!.AsObject();
        Assert.Equal("relative", (string?)old["document_ids"]);
        old.Remove("document_ids");   // as an earlier version wrote it
        old.Remove("absolute_ids_from");
        File.WriteAllText(Path.Combine(runDir, "provenance.json"), old.ToJsonString());

        var moved = Path.Combine(dir, "renamed", "project-moved");
        Directory.CreateDirectory(Path.GetDirectoryName(moved)!);
        Directory.Move(project, moved);
        var resumed = CliProcess.Run(moved, Limit, "run", "pipelines/tiny.yaml", "--artifacts", "cut", "--no-analysis", "--resume");
        AssertResumed(resumed, Path.Combine(moved, "cut", "tiny"));
        var first = Path.Combine(project, "pipelines");   // where its relative paths first resolved: the folder before the move
        Assert.Contains($"note: default: documents without an id keep the ids it started with, absolute paths under {first}", resumed.Err);
        Assert.DoesNotContain("keep the ids it started with", resumed.Out);   // a note, on stderr: stdout keeps the progress
        var now = Provenance(Path.Combine(moved, "cut", "tiny", "runs", "default"));
        Assert.Equal("absolute", now.GetProperty("document_ids").GetString());
        Assert.Equal(first, now.GetProperty("absolute_ids_from").GetString());
        Assert.Equal(Path.Combine(moved, "pipelines"), now.GetProperty("data_directory").GetString());   // this attempt's folder
    }

    [Fact]
    public void A_project_reached_through_a_symlink_resumes_its_interrupted_olmo_run_with_tables_equal_to_an_uninterrupted_run()
    {
        var project = Project("project");
        TrainWholeAndCut(project);

        var link = Path.Combine(dir, "link");
        Directory.CreateSymbolicLink(link, project);
        // From outside the project, naming the pipeline and the artifacts through the link.
        var outside = Directory.CreateDirectory(Path.Combine(dir, "outside")).FullName;
        AssertResumed(CliProcess.Run(outside, Limit, "run", Path.Combine(link, "pipelines", "tiny.yaml"),
            "--artifacts", Path.Combine(link, "cut"), "--no-analysis", "--resume"), Path.Combine(project, "cut", "tiny"));
        ResumedEqualsWhole(Path.Combine(link, "cut", "tiny"), Path.Combine(project, "whole", "tiny"));
    }
}
