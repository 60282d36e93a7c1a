using Retention.Artifacts;
using Retention.Pipeline;
using Retention.Probes;
using Retention.Spec;

namespace Retention.Tests.Analysis;

/// <summary>An OLMo sweep's folder with the tables its runs write for the shipped pipelines' size analyses (model, tasks,
/// task_metrics, eval, injection_eval), without training: the pipeline's own tasks at steps 0, 50 and 100, for each size
/// given. Only names and columns matter to what reads it; the values are made up.</summary>
static class OlmoSizesSweep
{
    public static async Task Write(string sweep, PipelineSpec spec, IReadOnlyList<(string Preset, long Parameters)> sizes)
    {
        foreach (var (preset, parameters) in sizes)
        {
            var run = Path.Combine(sweep, ArtifactLayout.RunsDir, $"preset-{preset}");
            await ArrowFiles.WriteTableAsync(Path.Combine(run, "model.arrow"), OlmoRunGraph.ModelTable,
                [new ModelRow(preset, parameters, 2, 16, 64, 2, 257, 64, 4, 100, "fp32", "cpu", 0, 0.003)]);
            var tasks = spec.Data!.Tasks;   // an OLMo pipeline has both sections
            await ArrowFiles.WriteTableAsync(Path.Combine(run, "tasks.arrow"), OlmoRunGraph.TasksTable,
                [.. tasks.Select(t => TaskRow.Of(t))]);
            long[] steps = [0, 50, 100];
            // Accuracy rises with the step and with the size, so a threshold is met in some rows.
            double Accuracy(long step) => 0.5 + 0.4 * step / 100.0 * (parameters > 1_000_000 ? 1 : 0.8);
            var metrics = steps.SelectMany(s => tasks.SelectMany(t => new[] { "train", "test" }.Select(split =>
                    new TaskMetricRow(s, t.TaskName, split, 2 - s / 100.0, Accuracy(s), Accuracy(s))))
                .Concat(spec.Olmo!.ReferenceTasks.Select(r => new TaskMetricRow(s, r.TaskName, "reference", 3 - s / 100.0, Accuracy(s), Accuracy(s)))));
            await ArrowFiles.WriteTableAsync(Path.Combine(run, "task_metrics.arrow"), OlmoRunGraph.TaskTable, [.. metrics]);
            await ArrowFiles.WriteTableAsync(Path.Combine(run, "eval.arrow"), OlmoRunGraph.EvalTable,
                [.. steps.Select(s => new OlmoEvalRow(s, s * 256, 6.0 * parameters * s * 256, 5 - s / 50.0))]);
            // Each gapped task's last injection, just before and after it (the probe's phases).
            var injections = tasks.Where(t => t.Gap >= 8).SelectMany(t => new[] { "before", "after" }.Select(phase =>
                new InjectionEvalRow(phase == "before" ? 89 : 90, t.TaskName, t.Gap, 9, phase, 0, phase == "before" ? 1.5 : 1.2, 0.6, 0.6)));
            await ArrowFiles.WriteTableAsync(Path.Combine(run, "injection_eval.arrow"), InjectionEvalProbe.Table, [.. injections]);
        }
    }
}
