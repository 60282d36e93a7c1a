using Retention.Messages;
using Retention.Spec;

namespace Retention.Cluster;

/// <summary>
/// What one array task holds at once against the --mem it asks for. A task's synthetic runs train as one batched trainer
/// (`pipeline task` trains its runs as one group): every cell at once, padded to the widest, so the task needs the sum of
/// its cells at that width (<see cref="ResourceEstimate.SyntheticGroupBytes"/>, as `run` checks its groups against this
/// machine). The pipeline's own check compares one run's estimate with --mem, which a task of ten seeds exceeds tenfold.
/// </summary>
public static class TaskMemoryCheck
{
    /// <summary>The error for the first task of CPU synthetic runs (`auto` ones too where the budget holds them: no GPU asked
    /// for) that needs more than <paramref name="budget"/>, or null.
    /// A task of one run is left to the pipeline's check, which names the key to lower; GPU runs are not checked (their
    /// memory is the device's), as there.</summary>
    public static SpecError? Error(string source, IReadOnlyList<IReadOnlyList<RunPlan>> tasks, MemoryBudget budget)
    {
        for (int i = 0; i < tasks.Count; i++)
        {
            var task = tasks[i];
            if (task.Count < 2 || task.Any(r => r.Spec.Experiment != "synthetic" || !budget.Holds(r.Spec.Device))) continue;
            double need = ResourceEstimate.SyntheticGroupBytes(task);
            if (need <= budget.Bytes) continue;
            return new SpecError(source, 0, 0, SpecSchema.SweepKey,
                $"task {i} trains {task.Count} runs at once ({ResourceEstimate.SyntheticGroup(task)}) and needs about {ResourceEstimate.GiB(need)}{budget.OnCpu(task[0].Spec.Device)}, " +
                $"though one run alone needs {ResourceEstimate.GiB(need / task.Count)}; {budget.Has} ({budget.Or}{ResourceEstimate.SyntheticLevers})") { Kind = SpecErrorKind.Memory };
        }
        return null;
    }
}
