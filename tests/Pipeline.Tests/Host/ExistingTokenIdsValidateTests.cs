using Retention.Tests.Data;
using Retention.Tests.Pipeline;

namespace Retention.Tests.Host;

/// <summary>`tokens: existing` lists one token id per item (and per label of a comparison): a list of the wrong length is
/// a validation error at the task's line, the rule the run applies when it assigns the ids (it used to pass `validate`
/// and fail the run with "cmp: item_ids lists 0 ids, the task has 101 items.", naming no file or line).</summary>
public sealed class ExistingTokenIdsValidateTests() : InTempFolder("existing-ids-")
{
    static readonly TimeSpan Limit = TimeSpan.FromMinutes(2);

    void WritePipeline(string tasks)
    {
        DataFiles.Write(Path.Combine(dir, "shards", "a.jsonl"), DataFiles.Lines(DataFiles.Docs("a", 20)));
        File.WriteAllText(Path.Combine(dir, "p.yaml"), string.Join('\n',
            "name: p",                                                  // 1
            "experiment: data",                                         // 2
            "data:",                                                    // 3
            "  sources: [{paths: ['shards/*.jsonl']}]",                 // 4
            $"  tokenizer: {TinyCorpus.ByteTokenizerYaml()}",           // 5
            "  packing: {seq_len: 32, batch_size: 4, held_out_every: 0}",  // 6
            $"  tasks: {tasks}",                                        // 7
            "train: {steps: 3}") + "\n");
    }

    [Fact]
    public void A_set_task_without_item_ids_is_refused_by_validate_naming_the_keys()
    {
        WritePipeline("[]");
        const string set = "data.tasks=[{kind: comparison, frequency: 0.01, tokens: existing}]";

        var (exit, output, err) = CliProcess.Run(dir, Limit, "validate", "p.yaml", "--set", set);

        Assert.True(exit == 2, output + err);
        // A comparison task has 101 items by default and two labels of its own.
        Assert.Equal([
            $"error: --set {set}: data.tasks[0].item_ids: item_ids lists 0 ids, the task has 101 items",
            $"error: --set {set}: data.tasks[0].label_ids: label_ids lists 0 ids, the task has 2 labels",
        ], err.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        // `run` stops at the same check, before any run starts.
        var run = CliProcess.Run(dir, Limit, "run", "p.yaml", "--no-analysis", "--set", set);
        Assert.True(run.Exit == 2, run.Out + run.Err);
        Assert.False(Directory.Exists(Path.Combine(dir, "artifacts")));
    }

    [Fact]
    public void In_the_file_the_error_is_at_the_task_and_a_list_of_the_right_length_passes()
    {
        // Modular addition with p = 11 has 11 items and writes its labels as item tokens (no label_ids).
        const string task = "{kind: modular_addition, frequency: 0.01, items: 11, instances: 100, train_instances: 50, tokens: existing, item_ids: [";
        WritePipeline($"[{task}3, 4, 5]}}]");

        var (exit, output, err) = CliProcess.Run(dir, Limit, "validate", "p.yaml");

        Assert.True(exit == 2, output + err);
        // At the written item_ids list: its '[' is the last character of `task` on line 7.
        var column = "  tasks: [".Length + task.Length;
        Assert.Equal($"error: p.yaml:7:{column}: data.tasks[0].item_ids: item_ids lists 3 ids, the task has 11 items", err.Trim());

        WritePipeline($"[{task}{string.Join(", ", Enumerable.Range(100, 11))}]}}]");
        var ok = CliProcess.Run(dir, Limit, "validate", "p.yaml");
        Assert.True(ok.Exit == 0, ok.Out + ok.Err);
    }
}
