using System.Text.Json;
using Retention.Data;
using Retention.Tests.Pipeline;

namespace Retention.Tests.Host;

/// <summary>
/// data_quality.arrow names shards as the pipeline's paths spell them (../data/shards/a.jsonl), as document ids do; earlier
/// versions named them by absolute path, and their checkpoints hold issues under those names. An OLMo run whose checkpoint
/// an earlier version wrote, resumed after the project moved, ends with the table an uninterrupted run writes: every issue
/// once, named relatively.
/// </summary>
public class EarlierQualityNamesResumeTests() : InTempFolder("quality-names-")
{
    static readonly TimeSpan Limit = TimeSpan.FromMinutes(4);
    const int Steps = 200;

    /// <summary>dir/NAME: data/shards/a.jsonl (200 documents, then two bad lines), tok/bytes-*, pipelines/tiny.yaml naming both relatively.</summary>
    string Project(string name)
    {
        var project = Path.Combine(dir, name);
        TinyCorpus.WriteMovableProject(project);
        File.AppendAllLines(Path.Combine(project, "data", "shards", "a.jsonl"), ["not json", "{\"id\": \"no text\"}"]);
        File.WriteAllText(Path.Combine(project, "pipelines", "tiny.yaml"), string.Join('\n',
            "name: tiny", "experiment: olmo", "device: cpu",
            "data:",
            "  sources: [{paths: ['../data/shards/*.jsonl'], epochs: 0}]",
            "  tokenizer: {kind: bpe, path: ../tok/bytes-vocab.json, merges_path: ../tok/bytes-merges.txt}",
            "  packing: {seq_len: 16, batch_size: 4, held_out_every: 10, validation_rows: 4}",
            "olmo: {preset: 4M, layers: 1, hidden: 16, mlp_dim: 32, heads: 2, eval_every: 50, eval_instances: 8, checkpoint_every: 20}",
            $"train: {{steps: {Steps}, lr: 0.003, warmup_steps: 5, log_every: 1}}") + "\n");
        return project;
    }


    static List<(string, long, string, string)> Issues(string path) =>
        [.. DataQualityLog.Read(path).Select(i => (i.Shard, i.Line, i.Reason, i.Detail)).Order()];

    [Fact]
    public async Task A_checkpoint_whose_issues_name_shards_by_absolute_path_resumes_in_a_moved_project_to_the_relative_table()
    {
        var project = Project("project");
        var whole = CliProcess.Run(project, Limit, "run", "pipelines/tiny.yaml", "--artifacts", "whole", "--no-analysis");
        Assert.True(whole.Exit == 0, whole.Err + whole.Out);
        var expected = Issues(Path.Combine(project, "whole", "tiny", "runs", "default", "data_quality.arrow"));
        Assert.Equal([("../data/shards/a.jsonl", 201L, "invalid_json"), ("../data/shards/a.jsonl", 202L, "missing_text")],
            expected.Select(i => (i.Item1, i.Item2, i.Item3)));

        var runDir = Path.Combine(project, "cut", "tiny", "runs", "default");
        using (var cut = CliProcess.Start(project, "run", "pipelines/tiny.yaml", "--artifacts", "cut", "--no-analysis"))
        {
            cut.WaitUntil(() => SavedCheckpoint.Step(runDir) >= 40, Limit, "a checkpoint at step 40");
            cut.Signal(15);
            var (exit, output, err) = cut.WaitForExit(Limit);
            Assert.True(exit == 130, $"exit {exit}: {err}{output}");
        }
        // As an earlier version wrote it: the shard by its absolute path, in the folder the project then lay in.
        var saved = Path.Combine(runDir, "checkpoint", "data_quality.arrow");
        var earlier = DataQualityLog.Read(saved);
        Assert.Equal(2, earlier.Count);
        var absolute = new DataQualityLog();
        foreach (var issue in earlier) absolute.Record(issue with { Shard = Path.Combine(project, "data", "shards", "a.jsonl") });
        await absolute.WriteAsync(saved);

        var moved = Path.Combine(dir, "elsewhere", "project-moved");
        Directory.CreateDirectory(Path.GetDirectoryName(moved)!);
        Directory.Move(project, moved);
        var resumed = CliProcess.Run(moved, Limit, "run", "pipelines/tiny.yaml", "--artifacts", "cut", "--no-analysis", "--resume");

        Assert.True(resumed.Exit == 0, resumed.Err + resumed.Out);
        Assert.Contains("resuming from the checkpoint at step", resumed.Out);
        Assert.Equal(expected, Issues(Path.Combine(moved, "cut", "tiny", "runs", "default", "data_quality.arrow")));
    }
}
