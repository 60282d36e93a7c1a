using Retention.Tests.Pipeline;

namespace Retention.Tests.Host;

/// <summary>`pipeline status FILE` and `pipeline analyze FILE` (a sweep's pipeline.yaml, say, typed where its folder goes)
/// say it is a file and what to give instead, as `query` does, not that the directory "does not exist".</summary>
public class SweepDirIsAFileTests() : InTempFolder("sweep-dir-file-")
{
    static readonly TimeSpan Limit = TimeSpan.FromMinutes(2);

    [Fact]
    public void A_file_given_as_the_sweep_directory_is_said_to_be_one_naming_the_folder_to_give()
    {
        var sweep = Path.Combine(dir, "artifacts", "s");
        Directory.CreateDirectory(Path.Combine(sweep, "runs"));
        var saved = Path.Combine(sweep, "pipeline.yaml");
        File.Copy(RepoFiles.Pipeline("synthetic-capacity.yaml"), saved);
        var relative = Path.Combine("artifacts", "s", "pipeline.yaml");
        foreach (var args in new[]
                 {
                     new[] { "status", relative },
                     ["analyze", relative],
                     ["analyze", relative, "--pipeline", saved],
                 })
        {
            var (exit, _, err) = CliProcess.Run(dir, Limit, args);
            Assert.Equal(2, exit);
            Assert.DoesNotContain("does not exist", err);
            Assert.Contains($"error: {saved}: is a file, not a sweep directory; this is a sweep's resolved pipeline: give its folder {sweep}", err);
        }
        File.WriteAllText(Path.Combine(dir, "notes.txt"), "x");
        var other = CliProcess.Run(dir, Limit, "status", "notes.txt");
        Assert.Equal(2, other.Exit);
        Assert.Contains($"error: {Path.Combine(dir, "notes.txt")}: is a file, not a sweep directory (artifacts/NAME[-PROFILE], written by `pipeline run`", other.Err);
    }

    [Fact]
    public void A_file_where_run_or_submit_would_put_the_sweep_is_named_before_anything_trains()
    {
        File.WriteAllText(Path.Combine(dir, "s.yaml"), "name: s\nsynthetic: {tasks: 4, dims_per_task: 4, width: 2}\ntrain: {steps: 20}\n");
        Directory.CreateDirectory(Path.Combine(dir, "d"));
        File.WriteAllText(Path.Combine(dir, "d", "s"), "mine");
        File.WriteAllText(Path.Combine(dir, "afile"), "mine");
        // Before: "The file '.../d/s' already exists." and "Could not find a part of the path", exit 1; submit --dry-run passed.
        foreach (var (args, expected) in new (string[], string)[]
        {
            (["run", "s.yaml", "--artifacts", "d"], $"error: --artifacts d: '{Path.Combine(dir, "d", "s")}' is a file where the sweep's folder goes: give another --artifacts, or move the file"),
            (["run", "s.yaml", "--artifacts", "d", "--overwrite"], $"'{Path.Combine(dir, "d", "s")}' is a file where the sweep's folder goes"),
            (["run", "s.yaml", "--artifacts", "afile/sub"], $"error: --artifacts afile/sub: '{Path.Combine(dir, "afile")}' is a file where a folder on the sweep's path ({Path.Combine(dir, "afile", "sub", "s")}) goes"),
            (["submit", "s.yaml", "--slurm", "--dry-run", "--artifacts", "d"], $"'{Path.Combine(dir, "d", "s")}' is a file where the sweep's folder goes"),
        })
        {
            var (exit, _, err) = CliProcess.Run(dir, Limit, args);
            Assert.True(exit == 2, string.Join(' ', args) + ": " + err);
            Assert.Contains(expected, err);
        }
        Assert.Equal("mine", File.ReadAllText(Path.Combine(dir, "d", "s")));
    }

    [Fact]
    public void A_runs_folder_or_a_run_given_to_status_or_analyze_names_its_sweep()
    {
        var sweep = Path.Combine(dir, "artifacts", "s");
        Directory.CreateDirectory(Path.Combine(sweep, "runs", "seed-0"));
        File.Copy(RepoFiles.Pipeline("synthetic-capacity.yaml"), Path.Combine(sweep, "pipeline.yaml"));
        File.WriteAllText(Path.Combine(sweep, "runs", "seed-0", "run.yaml"), "name: s\n");
        foreach (var (given, what) in new[] { ("artifacts/s/runs", "it is a sweep's runs/ folder"), ("artifacts/s/runs/seed-0", "it is one run's directory") })
            foreach (var command in new[] { "status", "analyze" })
            {
                var (exit, _, err) = CliProcess.Run(dir, Limit, command, given);
                Assert.True(exit == 2, $"{command} {given}: {err}");
                Assert.Contains($"({what}: give the sweep directory {sweep})", err);
            }
    }
}
