namespace Retention.Tests.Host;

/// <summary>`--data-dir` naming a file that is there (a shard, the URL list) says it is a file, not that it "does not exist".</summary>
public class DataDirIsAFileTests() : InTempFolder("data-dir-file-")
{
    static readonly TimeSpan Limit = TimeSpan.FromMinutes(2);

    [Fact]
    public void A_file_given_as_data_dir_is_said_to_be_a_file_and_a_missing_folder_to_be_missing()
    {
        File.WriteAllText(Path.Combine(dir, "s.yaml"), "name: s\nsynthetic: {tasks: 4, dims_per_task: 4, width: 2}\ntrain: {steps: 20}\n");
        Directory.CreateDirectory(Path.Combine(dir, "data"));
        var shard = Path.Combine(dir, "data", "a.jsonl");
        File.WriteAllText(shard, "{\"text\": \"x\"}\n");
        foreach (var command in new[] { "validate", "run" })
        {
            var (exit, _, err) = CliProcess.Run(dir, Limit, command, "s.yaml", "--data-dir", Path.Combine("data", "a.jsonl"));
            Assert.Equal(2, exit);
            Assert.DoesNotContain("does not exist", err);
            Assert.Contains($"error: --data-dir '{shard}' is a file, not a folder: give the folder the pipeline's relative data paths " +
                $"resolve against (the file lies in {Path.Combine(dir, "data")})", err);
        }
        var missing = CliProcess.Run(dir, Limit, "validate", "s.yaml", "--data-dir", "nowhere");
        Assert.Equal(2, missing.Exit);
        Assert.Contains($"error: --data-dir '{Path.Combine(dir, "nowhere")}' does not exist", missing.Err);
        Assert.False(Directory.Exists(Path.Combine(dir, "artifacts")));   // refused before anything was written
    }
}
