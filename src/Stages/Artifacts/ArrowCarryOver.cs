using Apache.Arrow;
using Apache.Arrow.Ipc;

namespace Retention.Artifacts;

/// <summary>
/// Resuming a run: the rows an earlier, interrupted attempt wrote up to the checkpoint's step are
/// copied into the new file, so the table reads as one uninterrupted run. Rows are in step
/// order (the writers append as training goes), so each batch is cut at the first later step.
/// </summary>
public static class ArrowCarryOver
{
    /// <summary>Moves <paramref name="path"/> aside (to .previous) and returns where it went, or null when absent.</summary>
    public static string? SetAside(string path)
    {
        if (!File.Exists(path)) return null;
        var previous = path + ".previous";
        File.Move(path, previous, overwrite: true);
        return previous;
    }

    /// <summary>Copies the rows whose <paramref name="stepColumn"/> is at most <paramref name="maxStep"/>.</summary>
    public static long CopyRowsUpTo<T>(string? previous, ArrowRowWriter<T> target, long maxStep, string stepColumn = "step")
    {
        if (previous is null) return 0;
        using var stream = File.OpenRead(previous);
        using var reader = new ArrowFileReader(stream);
        long copied = 0;
        while (reader.ReadNextRecordBatch() is { } batch)
        {
            using (batch)
            {
                var steps = (Int64Array)batch.Column(stepColumn);
                int keep = 0;
                while (keep < batch.Length && steps.GetValue(keep) <= maxStep) keep++;
                if (keep == 0) break;
                var columns = Enumerable.Range(0, batch.ColumnCount).Select(i => ArrowArrayFactory.Slice(batch.Column(i), 0, keep));
                using var kept = new RecordBatch(batch.Schema, columns, keep);
                target.WriteBatch(kept);
                copied += keep;
                if (keep < batch.Length) break;
            }
        }
        return copied;
    }
}
