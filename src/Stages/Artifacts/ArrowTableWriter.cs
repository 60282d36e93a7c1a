using Apache.Arrow;
using Apache.Arrow.Ipc;

namespace Retention.Artifacts;

/// <summary>
/// Writes one Arrow IPC file (the random-access "file" format, with footer) that becomes
/// visible atomically. Batches go to <c>&lt;path&gt;.tmp</c>; <see cref="CompleteAsync"/> writes
/// the footer and renames the file to <c>&lt;path&gt;</c>. An Arrow file is only readable once
/// its footer is written, so readers never see a half-written file under the final name,
/// and a <c>.tmp</c> left by a crash is ignored (readers only look at <c>*.arrow</c>).
/// </summary>
/// <remarks>
/// Disposing without <see cref="CompleteAsync"/> still completes: a run stopped by Ctrl+C or
/// an exception keeps the batches it already wrote. Call <see cref="Abort"/> to discard
/// them instead. Not thread-safe: one producer writes a file.
/// </remarks>
public sealed class ArrowTableWriter : IAsyncDisposable
{
    private readonly FileStream _stream;
    private readonly ArrowFileWriter _writer;
    private State _state = State.Open;

    private enum State { Open, Completed, Aborted }

    private ArrowTableWriter(string path, string tmpPath, Schema schema, FileStream stream, ArrowFileWriter writer)
    {
        Path = path;
        Schema = schema;
        TmpPath = tmpPath;
        _stream = stream;
        _writer = writer;
    }

    /// <summary>The final file name; it exists only after completion.</summary>
    public string Path { get; }

    /// <summary>Where batches are written until completion.</summary>
    public string TmpPath { get; }

    public Schema Schema { get; }

    /// <summary>Creates the parent directory and starts <c>&lt;path&gt;.tmp</c> (replacing a stale one).</summary>
    public static ArrowTableWriter Create(string path, Schema schema)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(schema);
        var fullPath = System.IO.Path.GetFullPath(path);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(fullPath)!);
        var tmpPath = fullPath + ".tmp";
        var stream = new FileStream(tmpPath, FileMode.Create, FileAccess.Write, FileShare.Read);
        try
        {
            var writer = new ArrowFileWriter(stream, schema, leaveOpen: true);
            // The schema message is otherwise written lazily with the first batch; writing it
            // now keeps a table with zero batches a valid file after completion.
            writer.WriteStart();
            return new ArrowTableWriter(fullPath, tmpPath, schema, stream, writer);
        }
        catch
        {
            stream.Dispose();
            File.Delete(tmpPath);
            throw;
        }
    }

    public Task WriteAsync(RecordBatch batch, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(batch);
        EnsureOpen();
        return _writer.WriteRecordBatchAsync(batch, ct);
    }

    /// <summary>Synchronous <see cref="WriteAsync"/>, for producers that are synchronous by design.</summary>
    public void Write(RecordBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        EnsureOpen();
        _writer.WriteRecordBatch(batch);
    }

    /// <summary>Writes the footer, flushes to disk and renames the file to <see cref="Path"/>.</summary>
    public async Task CompleteAsync()
    {
        EnsureOpen();
        try
        {
            // Not cancellable on purpose: a half-written footer would lose every batch.
            await _writer.WriteEndAsync(CancellationToken.None).ConfigureAwait(false);
            _stream.Flush(flushToDisk: true);
        }
        finally
        {
            _state = State.Completed;
            _writer.Dispose();
            await _stream.DisposeAsync().ConfigureAwait(false);
        }
        File.Move(TmpPath, Path, overwrite: true);
    }

    /// <summary>Discards what was written: closes and deletes the temporary file.</summary>
    public void Abort()
    {
        if (_state != State.Open) return;
        _state = State.Aborted;
        _writer.Dispose();
        _stream.Dispose();
        File.Delete(TmpPath);
    }

    /// <summary>Completes if still open, so data written before an exception or Ctrl+C survives.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_state == State.Open) await CompleteAsync().ConfigureAwait(false);
    }

    private void EnsureOpen()
    {
        if (_state != State.Open)
            throw new InvalidOperationException($"Arrow writer for '{Path}' is already {_state.ToString().ToLowerInvariant()}.");
    }
}
