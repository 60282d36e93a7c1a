namespace Retention.Tests.Host;

/// <summary>A sweep's stored pipeline.yaml (or a run's run.yaml) given as the pipeline file: its relative data paths resolve
/// against the sweep's folder, where no data lies. The error said to write a corpus into the sweep (`pipeline data sample
/// ... --out SWEEP/shards`); it names the folder the runs read their data from (provenance.json) for --data-dir.</summary>
public class StoredCopyDataPathTests() : InTempFolder("stored-copy-")
{
    static readonly TimeSpan Limit = TimeSpan.FromMinutes(2);

    [Fact]
    public void A_stored_copy_with_relative_data_paths_names_the_recorded_data_folder()
    {
        var project = Path.Combine(dir, "project");
        Directory.CreateDirectory(Path.Combine(project, "shards"));
        File.WriteAllLines(Path.Combine(project, "shards", "a.jsonl"),
            Enumerable.Range(0, 20).Select(i => $"{{\"id\": \"d{i}\", \"text\": \"some words of text number {i}\"}}"));
        File.WriteAllText(Path.Combine(project, "d.yaml"), "name: d\nexperiment: data\n" +
            "data: {sources: [{paths: [shards/*.jsonl], epochs: 0}], packing: {seq_len: 8, batch_size: 2, held_out_every: 0}}\ntrain: {steps: 2}\n");
        var run = CliProcess.Run(dir, Limit, "run", Path.Combine("project", "d.yaml"));
        Assert.True(run.Exit == 0, run.Err);

        foreach (var stored in new[] { Path.Combine("artifacts", "d", "pipeline.yaml"), Path.Combine("artifacts", "d", "runs", "default", "run.yaml") })
        {
            var (exit, _, err) = CliProcess.Run(dir, Limit, "validate", stored);
            Assert.Equal(2, exit);
            Assert.Contains($"this file is a sweep's stored copy: relative paths resolve against its own folder, and its runs read their " +
                $"data relative to {project}, as their provenance.json records; give --data-dir {project})", err);
            Assert.DoesNotContain("pipeline data", err);   // no command that writes a corpus into the sweep
            var again = CliProcess.Run(dir, Limit, "validate", stored, "--data-dir", project);
            Assert.True(again.Exit == 0, again.Err);
        }
    }
}
