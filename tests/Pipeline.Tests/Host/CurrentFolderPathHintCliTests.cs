using System.Text.RegularExpressions;
using Retention.Tests.Pipeline;

namespace Retention.Tests.Host;

/// <summary>A pipeline kept in a folder of its own, its data paths written from the folder the user runs in
/// (`data/brown/*.json.gz` where `../data/brown/*.json.gz` was meant): the error says that the current folder holds them
/// and gives the entry relative to the pipeline's folder, which then validates. It offered `pipeline data brown --out
/// <pipeline folder>/data/brown`, a second copy of data that was there, and said nothing of the tokenizer files.</summary>
public sealed class CurrentFolderPathHintCliTests() : InTempFolder("current-folder-hint-")
{
    static readonly TimeSpan Limit = TimeSpan.FromMinutes(2);

    static string[] Errors(string err) => [.. err.Split("error: ").Skip(1).Select(e => e.Trim())];

    static string Pipeline(string shards, string tokenizers) => $$"""
        name: here
        experiment: data
        data:
          sources: [{paths: ['{{shards}}']}]
          tokenizer: {kind: bpe, path: {{tokenizers}}/bytes-vocab.json, merges_path: {{tokenizers}}/bytes-merges.txt}
          packing: {seq_len: 8, batch_size: 1, held_out_every: 0}
        train: {steps: 1}

        """;

    [Fact]
    public void Paths_written_from_the_current_folder_are_said_to_be_there_with_the_entry_to_write()
    {
        Directory.CreateDirectory(Path.Combine(dir, "data", "brown"));
        File.WriteAllText(Path.Combine(dir, "data", "brown", "a.jsonl"), "{\"id\": \"1\", \"text\": \"some words to read here\"}\n");
        Directory.CreateDirectory(Path.Combine(dir, "tokenizers"));
        foreach (var file in Directory.GetFiles(Path.Combine(RepoFiles.PipelinesDirectory, "tokenizers")))
            File.Copy(file, Path.Combine(dir, "tokenizers", Path.GetFileName(file)));
        var experiment = Directory.CreateDirectory(Path.Combine(dir, "experiments", "mine")).FullName;
        File.WriteAllText(Path.Combine(experiment, "p.yaml"), Pipeline("data/brown/*.jsonl", "tokenizers"));

        var (exit, _, err) = CliProcess.Run(dir, Limit, "validate", "experiments/mine/p.yaml");

        Assert.Equal(2, exit);
        var errors = Errors(err);
        Assert.Equal(3, errors.Length);
        var here = Path.GetFullPath(dir);
        Assert.EndsWith($"; from the current folder ({here}) it matches 1 shard file: write '../../data/brown/*.jsonl' (the same, " +
            $"relative to {experiment}), or give --data-dir {here}, against which every relative path of the file then resolves", errors[0]);
        Assert.DoesNotContain("pipeline data", errors[0]);
        Assert.Contains($"data.tokenizer.path: no such file '{experiment}/tokenizers/bytes-vocab.json'", errors[1]);
        Assert.Contains($"; from the current folder ({here}) it is there: write '../../tokenizers/bytes-vocab.json'", errors[1]);
        Assert.Contains("data.tokenizer.merges_path", errors[2]);
        Assert.Contains("write '../../tokenizers/bytes-merges.txt'", errors[2]);

        // Either way out it offers validates.
        Assert.Equal(0, CliProcess.Run(dir, Limit, "validate", "experiments/mine/p.yaml", "--data-dir", here).Exit);
        var written = Regex.Matches(string.Join("\n", errors), "write '([^']+)'").Select(m => m.Groups[1].Value).ToArray();
        File.WriteAllText(Path.Combine(experiment, "p.yaml"), Pipeline(written[0], Path.GetDirectoryName(written[1])!));
        var (fixedExit, _, fixedErr) = CliProcess.Run(Path.GetTempPath(), Limit, "validate", Path.Combine(experiment, "p.yaml"));
        Assert.True(fixedExit == 0, fixedErr);
    }

    [Fact]
    public void Data_missing_from_both_folders_still_gets_the_command_that_writes_it()
    {
        var experiment = Directory.CreateDirectory(Path.Combine(dir, "mine")).FullName;
        File.WriteAllText(Path.Combine(experiment, "p.yaml"), Pipeline("../data/brown/*.json.gz", Path.Combine(RepoFiles.PipelinesDirectory, "tokenizers")));

        var (exit, _, err) = CliProcess.Run(dir, Limit, "validate", "mine/p.yaml");

        Assert.Equal(2, exit);
        var error = Assert.Single(Errors(err));
        Assert.DoesNotContain("from the current folder", error);
        Assert.EndsWith($"`pipeline data brown --out {Path.Combine(dir, "data", "brown")}` writes the Brown corpus there", error);
    }
}
