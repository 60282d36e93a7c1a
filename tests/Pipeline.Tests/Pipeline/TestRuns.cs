using Retention.Analysis;
using Retention.Artifacts;
using Retention.Pipeline;

namespace Retention.Tests.Pipeline;

/// <summary>Progress that cancels a run when it reaches a step (a graceful stop, as Ctrl+C), keeping the messages.</summary>
sealed class StopAt(long step, CancellationTokenSource stop) : IRunProgress
{
    /// <summary>How far an OLMo run's trainer may be past the step the stop is reported at: the write stage reports steps
    /// and queues up to <see cref="Stage.DefaultCapacity"/> of them, the train stage holds 2 and the feed 1. A loaded machine's
    /// writer does lag that far (a 40-step run stopped at step 3 or 12 completed), so a run must have more than the stop's
    /// step plus this to be stopped mid-run whatever the timing.</summary>
    public const long RunAhead = Stage.DefaultCapacity + 3;

    public void RunStarted(string runId, int index, int count, long totalSteps) { }
    public void Step(string runId, long s, double? loss, DataCounts? data = null) { if (s == step) stop.Cancel(); }
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

/// <summary>Progress that cancels a run when a message containing <paramref name="text"/> is logged: with
/// "resuming from the checkpoint", a resume stopped (Ctrl+C) before its first new step.</summary>
sealed class StopOnInfo(string text, CancellationTokenSource stop) : IRunProgress
{
    public void RunStarted(string runId, int index, int count, long totalSteps) { }
    public void Step(string runId, long step, double? loss, DataCounts? data = null) { }
    public void RunFinished(string runId, RunStatus status) { }
    public List<string> Messages { get; } = [];
    public void Info(string message)
    {
        Messages.Add(message);
        if (message.Contains(text)) stop.Cancel();
    }
}

/// <summary>What a run records about itself across attempts, read back from its folder.</summary>
static class AttemptRecords
{
    /// <summary>Puts a table of other columns (as an older version might have written) in place of a run's table, which
    /// waits beside it for <see cref="Restore"/>: a resume refuses it before training.</summary>
    public static async Task Spoil(string table)
    {
        File.Move(table, table + ".aside");
        await ArrowFiles.WriteTableAsync(table, new RecordBatchBuilder<long>().Int64("step", s => s), [1L]);
    }

    public static void Restore(string table) => File.Move(table + ".aside", table, overwrite: true);

    /// <summary>A complete Arrow file's rows (no parts folder beside it): (step, elapsed_s) of a train table.</summary>
    public static IReadOnlyList<(long Step, double Elapsed)> TrainRows(string runDir)
    {
        var path = Path.Combine(runDir, "train.arrow");
        Assert.True(File.Exists(path), $"{path} is complete");
        Assert.False(Directory.Exists(ArrowParts.DirectoryOf(path)), $"{path} has no parts left beside it");
        var rows = new List<(long, double)>();
        using var reader = new Apache.Arrow.Ipc.ArrowFileReader(File.OpenRead(path));
        while (reader.ReadNextRecordBatch() is { } b)
            using (b)
                for (int i = 0; i < b.Length; i++)
                    rows.Add((((Apache.Arrow.Int64Array)b.Column("step")).GetValue(i)!.Value, ((Apache.Arrow.DoubleArray)b.Column("elapsed_s")).GetValue(i)!.Value));
        return rows;
    }

    /// <summary>elapsed_s never goes back along the steps, and the rows trained after the checkpoint at
    /// <paramref name="resumedAt"/> start from the time the kept rows had reached, not from 0.</summary>
    public static void ElapsedContinues(string runDir, long resumedAt)
    {
        var rows = TrainRows(runDir);
        Assert.Equal(rows.OrderBy(r => r.Step).Select(r => r.Step), rows.Select(r => r.Step));
        for (int i = 1; i < rows.Count; i++)
            Assert.True(rows[i].Elapsed >= rows[i - 1].Elapsed, $"elapsed_s {rows[i].Elapsed} at step {rows[i].Step} after {rows[i - 1].Elapsed} at step {rows[i - 1].Step}");
        double before = rows.Where(r => r.Step <= resumedAt).Max(r => r.Elapsed);
        Assert.All(rows.Where(r => r.Step > resumedAt), r => Assert.True(r.Elapsed >= before, $"step {r.Step}: {r.Elapsed} < {before}"));
        Assert.Contains(rows, r => r.Step > resumedAt);
    }
}
