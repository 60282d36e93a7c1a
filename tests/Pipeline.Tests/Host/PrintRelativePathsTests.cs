namespace Retention.Tests.Host;

/// <summary>`validate --print > resolved.yaml` from another folder than the pipeline's: the printed relative data paths
/// resolve against the saved file's folder, so a note says where they resolved (README: "The CLI", validate).</summary>
public class PrintRelativePathsTests() : InTempFolder("print-relative-")
{
    static readonly TimeSpan Limit = TimeSpan.FromMinutes(2);

    [Fact]
    public void Print_notes_the_folder_relative_data_paths_resolve_against_and_the_saved_file_validates_with_it()
    {
        var pipelines = Path.Combine(dir, "pipelines");
        Directory.CreateDirectory(Path.Combine(pipelines, "shards"));
        File.WriteAllText(Path.Combine(pipelines, "shards", "a.jsonl"), "{\"text\": \"some words of text\"}\n");
        File.WriteAllText(Path.Combine(pipelines, "d.yaml"), "name: d\nexperiment: data\n" +
            "data: {sources: [{paths: [shards/*.jsonl]}], packing: {seq_len: 8, batch_size: 2, held_out_every: 0}}\ntrain: {steps: 2}\n");

        // Run from the folder above, as `pipeline validate pipelines/x.yaml --print > resolved.yaml` is from a checkout's root.
        var printed = CliProcess.Run(dir, Limit, "validate", Path.Combine("pipelines", "d.yaml"), "--print");
        Assert.True(printed.Exit == 0, printed.Err);
        Assert.Contains($"note: the printed YAML's relative data paths (shards/*.jsonl) resolve against the folder of the file that " +
            $"holds them: save it in {pipelines}, or give --data-dir {pipelines} to the commands that read it, for the same runs", printed.Err);
        File.WriteAllText(Path.Combine(dir, "resolved.yaml"), printed.Out);

        Assert.Equal(2, CliProcess.Run(dir, Limit, "validate", "resolved.yaml").Exit);   // here, shards/ is not beside it
        var again = CliProcess.Run(dir, Limit, "validate", "resolved.yaml", "--data-dir", pipelines);
        Assert.True(again.Exit == 0, again.Err);
        Assert.Contains("resolved.yaml: ok, 1 run", again.Out);
    }

    [Fact]
    public void Print_of_a_pipeline_without_relative_paths_has_no_note()
    {
        File.WriteAllText(Path.Combine(dir, "s.yaml"), "name: s\nsynthetic: {tasks: 4, dims_per_task: 2, width: 2}\ntrain: {steps: 20}\n");
        var printed = CliProcess.Run(dir, Limit, "validate", "s.yaml", "--print");
        Assert.True(printed.Exit == 0, printed.Err);
        Assert.DoesNotContain("note:", printed.Err);
    }
}
