using Retention.Artifacts;

namespace Retention.Synthetic;

/// <summary>The Arrow writers of each cell trained together: cell c's rows go to its own run directory.</summary>
public sealed class CellWriters : IAsyncDisposable
{
    readonly List<SyntheticRunWriters> writers = [];

    /// <param name="resumeAt">Continue each cell's tables from an interrupted attempt, keeping rows up to this step. Every
    /// cell's tables are checked before any is cut: a refusal leaves every run's rows as they were.</param>
    public CellWriters(IEnumerable<string> runDirs, long? resumeAt = null)
    {
        writers.AddRange(runDirs.Select(dir => new SyntheticRunWriters(dir, resumeAt)));
        foreach (var w in writers) w.Check();
        try
        {
            foreach (var w in writers) w.Open();
        }
        catch
        {
            // Close what was opened (synchronously: a constructor cannot await) before rethrowing.
            DisposeAsync().AsTask().GetAwaiter().GetResult();
            throw;
        }
    }

    public void Write(int cell, RunRecord record) => writers[cell].Write(record);

    /// <summary>Writes every cell's footers and makes its files visible (also on Ctrl+C and failures).
    /// One cell's failure to complete must not leave the others' files invisible, so every cell
    /// is completed before the first error is rethrown.</summary>
    public Task CompleteAsync() => CompleteAll.RunAsync(writers.Select(w => (Func<Task>)w.CompleteAsync));

    public async ValueTask DisposeAsync()
    {
        foreach (var w in writers) await w.DisposeAsync();
    }
}
