namespace Retention.Artifacts;

/// <summary>One-shot helpers for tables small enough to hold in memory (params, theory, analysis results).</summary>
public static class ArrowFiles
{
    /// <summary>Writes <paramref name="rows"/> as one record batch to <paramref name="path"/>, atomically.</summary>
    public static async Task WriteTableAsync<T>(
        string path, RecordBatchBuilder<T> builder, IReadOnlyList<T> rows, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(builder);
        using var batch = builder.Build(rows);
        await WriteBatchAsync(path, batch, ct).ConfigureAwait(false);
    }

    /// <summary>Writes one record batch as a complete file; on failure nothing appears at <paramref name="path"/>.</summary>
    public static async Task WriteBatchAsync(string path, Apache.Arrow.RecordBatch batch, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var writer = ArrowTableWriter.Create(path, batch.Schema);
        try
        {
            await writer.WriteAsync(batch, ct).ConfigureAwait(false);
        }
        catch
        {
            // Unlike a training run, a one-shot table that failed half-way has nothing worth keeping.
            writer.Abort();
            throw;
        }
        try
        {
            await writer.CompleteAsync().ConfigureAwait(false);
        }
        catch
        {
            File.Delete(writer.TmpPath);   // the rename failed (a folder in the way): nothing left beside the path either
            throw;
        }
    }
}
