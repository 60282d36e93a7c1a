using System.Text.Json;

namespace Retention.Tests.Host;

/// <summary>What `run`, `status` and `analyze` say about stopped, killed and resumed sweeps, through the CLI.</summary>
public class StopAndResumeMessagesTests() : InTempFolder("stop-messages-")
{
    static readonly TimeSpan Limit = TimeSpan.FromMinutes(3);

    void Write(string name, params string[] lines) => File.WriteAllText(Path.Combine(dir, name), string.Join('\n', lines) + "\n");

    static JsonElement StatusJson(string runDir) => JsonDocument.Parse(File.ReadAllText(Path.Combine(runDir, "status.json"))).RootElement;

    [Fact]
    public void Status_of_a_resumed_run_killed_after_its_checkpoint_names_the_step_a_resume_continues_from()
    {
        // One group of two runs: a stop by a signal saves the group's checkpoint in its first run's folder.
        Write("syn.yaml", "name: syn", "synthetic: {tasks: 4, dims_per_task: 4, width: 4}",
            "train: {steps: 2000000, batch_size: 32, log_every: 500}", "sweep: {synthetic.width: [2, 4]}");
        var runs = Path.Combine(dir, "artifacts", "syn", "runs");
        using (var first = CliProcess.Start(dir, "run", "syn.yaml", "--jobs", "1", "--no-analysis"))
        {
            first.WaitForStep(1000, Limit);
            first.Signal(15);
            Assert.Equal(130, first.WaitForExit(Limit).Exit);
        }
        long saved = StatusJson(Path.Combine(runs, "width-2")).GetProperty("steps").GetInt64();
        Assert.InRange(saved, 1000, 1_999_999);

        using (var resumed = CliProcess.Start(dir, "run", "syn.yaml", "--jobs", "1", "--no-analysis", "--resume"))
        {
            resumed.WaitUntil(() => resumed.Output.Contains($"resuming from the checkpoint at step {saved}"), Limit, "the resume");
            resumed.WaitForStep(saved + 1, Limit);
            resumed.KillHard();
        }
        // The attempt removed the earlier status.json when it started, and a kill writes none.
        Assert.False(File.Exists(Path.Combine(runs, "width-2", "status.json")));

        var status = CliProcess.Run(dir, Limit, "status", Path.Combine("artifacts", "syn"));
        Assert.True(status.Exit == 4, status.Err + status.Out);   // interrupted, nothing continues it by itself
        var lines = status.Out.Split('\n');
        foreach (var run in new[] { "width-2", "width-4" })
            Assert.Contains(lines, l => l.Contains(run) && l.Contains("killed?") &&
                l.Contains($"checkpoint at step {saved:N0}: run --resume to continue from it"));
    }

    [Fact]
    public void Analyze_on_a_folder_of_sweeps_says_what_status_says()
    {
        Write("syn.yaml", "name: syn", "synthetic: {tasks: 2, dims_per_task: 2}",
            "train: {steps: 10, batch_size: 8, log_every: 10}", "sweep: {synthetic.width: [2, 3]}");
        var run = CliProcess.Run(dir, Limit, "run", "syn.yaml", "--no-analysis");
        Assert.True(run.Exit == 0, run.Err);

        var analyze = CliProcess.Run(dir, Limit, "analyze", "artifacts");
        var status = CliProcess.Run(dir, Limit, "status", "artifacts");
        Assert.Equal(2, analyze.Exit);   // invalid input, as status says
        Assert.Equal(2, status.Exit);
        string expected = $"{Path.Combine(dir, "artifacts")} holds no pipeline.yaml: not a sweep directory written by `pipeline run` " +
                          "or `pipeline submit` (it holds sweeps: syn)";
        Assert.Contains(expected, status.Err);
        Assert.Contains(expected, analyze.Err);
        Assert.DoesNotContain("file not found", analyze.Err);

        // A submitted sweep none of whose tasks has started has its pipeline.yaml but no runs/ yet: named too.
        Directory.CreateDirectory(Path.Combine(dir, "artifacts", "submitted"));
        File.Copy(Path.Combine(dir, "artifacts", "syn", "pipeline.yaml"), Path.Combine(dir, "artifacts", "submitted", "pipeline.yaml"));
        Assert.Contains("(it holds sweeps: submitted, syn)", CliProcess.Run(dir, Limit, "status", "artifacts").Err);

        // The folder above it (`pipeline status .` in the project): the sweeps one folder down, with the path to give.
        var project = CliProcess.Run(dir, Limit, "status", ".");
        Assert.Equal(2, project.Exit);
        Assert.Contains($"{dir} holds no pipeline.yaml: not a sweep directory written by `pipeline run` or `pipeline submit` " +
                        $"(its folders hold sweeps: {Path.Combine("artifacts", "submitted")}, {Path.Combine("artifacts", "syn")})", project.Err);
    }

    [Fact]
    public void Run_help_says_resume_continues_synthetic_groups_from_their_checkpoint_too()
    {
        var help = CliProcess.Run(dir, Limit, "run", "--help");
        Assert.Equal(0, help.Exit);
        var text = string.Join(" ", help.Out.Split('\n').Select(l => l.Trim()));   // help wraps its descriptions
        Assert.Contains("an OLMo run's, or a synthetic group's", text);
        Assert.DoesNotContain("continue OLMo runs from their checkpoint", text);
    }
}
