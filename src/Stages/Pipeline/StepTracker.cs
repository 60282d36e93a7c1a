using System.Collections.Concurrent;

namespace Retention.Pipeline;

/// <summary>Passes progress on and remembers each run's last step, so a failed run's status.json says
/// how far it got (the failure itself is an exception that carries no step).</summary>
sealed class StepTracker(IRunProgress inner) : IRunProgress
{
    readonly ConcurrentDictionary<string, long> last = new(StringComparer.Ordinal), first = new(StringComparer.Ordinal),
        resumed = new(StringComparer.Ordinal);

    /// <summary>The last step reported for the run; before any, the checkpoint's step it resumed from (what is on disk and
    /// what a further resume continues from), else 0.</summary>
    public long LastStep(string runId) => last.TryGetValue(runId, out var step) ? step : resumed.GetValueOrDefault(runId);

    /// <summary>The step this attempt started after: the checkpoint's when it resumed, else one before the first step
    /// reported; null when neither is known.</summary>
    public long? StartedAfter(string runId) =>
        resumed.TryGetValue(runId, out var from) ? from : first.TryGetValue(runId, out var f) ? f - 1 : null;

    public void Resumed(string runId, long step)
    {
        resumed[runId] = step;
        inner.Resumed(runId, step);
    }

    public void RunStarted(string runId, int index, int count, long totalSteps) => inner.RunStarted(runId, index, count, totalSteps);

    public void Step(string runId, long step, double? trainLoss, DataCounts? data = null)
    {
        last[runId] = step;
        first.TryAdd(runId, step);
        inner.Step(runId, step, trainLoss, data);
    }

    public void RunFinished(string runId, RunStatus status) => inner.RunFinished(runId, status);
    public void Info(string message) => inner.Info(message);
    public void Note(string message) => inner.Note(message);
    public void Warning(string message) => inner.Warning(message);
    public void GroupStarted(IReadOnlyList<string> runIds, bool reportsLoss = true) => inner.GroupStarted(runIds, reportsLoss);
    public void RunCompletedEarlier(string runId, int count) => inner.RunCompletedEarlier(runId, count);
}
