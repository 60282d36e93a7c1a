using Retention.Artifacts;
using Retention.Pipeline;

namespace Retention.Tests.Advice;

/// <summary>An OLMo sweep's folder as its runs write the tables the advice reads (model, tasks, task_metrics), without
/// training: two sizes at two comparison frequencies, two seeds; the rarer frequency missed, the other learned.</summary>
static class OlmoSweepFiles
{
    public static async Task Write(string sweep)
    {
        foreach (var parameters in new long[] { 120_000, 600_000 })
            foreach (var frequency in new[] { 1e-3, 3e-3 })
                foreach (var seed in new[] { 0, 1 })
                {
                    var run = Path.Combine(sweep, ArtifactLayout.RunsDir, $"p{parameters}_f{frequency}_s{seed}");
                    var task = $"cmp_{frequency}";
                    double accuracy = frequency > 2e-3 ? 0.95 - 0.01 * seed : 0.5 + 0.02 * seed;
                    await ArrowFiles.WriteTableAsync(Path.Combine(run, "model.arrow"), OlmoRunGraph.ModelTable,
                        [new ModelRow("4M", parameters, 8, 16, 512, 4, 300, 64, 16, 100, "fp32", "cpu", seed, 0.003)]);
                    await ArrowFiles.WriteTableAsync(Path.Combine(run, "tasks.arrow"), OlmoRunGraph.TasksTable, [new TaskRow(task, "comparison", frequency, 1, 10000, 101, 5000, 0, "append")]);
                    await ArrowFiles.WriteTableAsync(Path.Combine(run, "task_metrics.arrow"), OlmoRunGraph.TaskTable,
                        [new TaskMetricRow(100, task, "test", 0.5, accuracy, accuracy)]);
                }
    }
}
