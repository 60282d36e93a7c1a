using Retention.Analysis;
using Retention.Artifacts;
using Retention.Pipeline;

namespace Retention.Tests.Pipeline;

/// <summary>Progress that cancels a run when it reaches a step (a graceful stop, as Ctrl+C), keeping the messages.</summary>
sealed class StopAt(long step, CancellationTokenSource stop) : IRunProgress
{
    public void RunStarted(string runId, int index, int count, long totalSteps) { }
    public void Step(string runId, long s, double? loss) { if (s == step) stop.Cancel(); }
    public void RunFinished(string runId, RunStatus status) { }
    public List<string> Messages { get; } = [];
    public void Info(string message) => Messages.Add(message);
}

/// <summary>A query's rows over a sweep directory as text, one line per row, for comparing two sweeps.</summary>
static class SweepRows
{
    public static string Of(string sweep, string sql)
    {
        using var catalog = ArtifactCatalog.Open(sweep);
        return string.Join("\n", SqlRunner.Query(catalog.Connection, sql).Rows.Select(r => string.Join(",", r)));
    }
}
