using Retention.Tests.Pipeline;

namespace Retention.Tests.Host;

/// <summary>A probe that needs a task of any kind, in a pipeline that injects none, says so in English as `validate` prints it.</summary>
public sealed class ProbeTaskArticleCliTests() : InTempFolder("probe-task-article-")
{
    [Fact]
    public void The_gradient_probe_without_tasks_needs_an_injected_task()
    {
        var yaml = TinyCorpus.TinyOlmo(dir).Replace("  tasks: [{kind: modular_addition, frequency: 0.02}]", "  tasks: []");
        Assert.Contains("  tasks: []", yaml);
        File.WriteAllText(Path.Combine(dir, "tiny.yaml"), yaml + "\nprobes: {gradients: {neurons: 4}}\n");

        var (exit, output, err) = CliProcess.Run(dir, TimeSpan.FromMinutes(2), "validate", "tiny.yaml");

        Assert.True(exit == 2, output + err);
        Assert.Contains("probes.gradients.task: needs an injected task in data.tasks to probe", err);   // was "needs a injected task"
    }
}
