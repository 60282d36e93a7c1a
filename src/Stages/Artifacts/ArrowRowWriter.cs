using Apache.Arrow;

namespace Retention.Artifacts;

/// <summary>
/// Buffers row records and writes them as record batches of <c>batchRows</c> rows through an
/// <see cref="ArrowTableWriter"/>. Arrow is columnar, so rows are collected and converted a
/// batch at a time; a batch written is on disk even if the process stops before completion
/// (disposing completes, see <see cref="ArrowTableWriter"/>). Not thread-safe: one producer.
/// </summary>
public sealed class ArrowRowWriter<T> : IAsyncDisposable
{
    public const int DefaultBatchRows = 4096;

    private readonly RecordBatchBuilder<T> _builder;
    private readonly ArrowTableWriter _writer;
    private readonly int _batchRows;
    private readonly List<T> _buffer;

    private ArrowRowWriter(RecordBatchBuilder<T> builder, ArrowTableWriter writer, int batchRows)
    {
        _builder = builder;
        _writer = writer;
        _batchRows = batchRows;
        _buffer = new List<T>(batchRows);
    }

    public string Path => _writer.Path;

    /// <summary>See <see cref="ArrowTableWriter.LastSealedPart"/>.</summary>
    public int LastSealedPart => _writer.LastSealedPart;

    /// <summary>Rows appended by this writer so far, written or buffered (not those a resume kept).</summary>
    public long RowCount { get; private set; }

    public static ArrowRowWriter<T> Create(string path, RecordBatchBuilder<T> builder, int batchRows = DefaultBatchRows)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchRows, 1);
        return new ArrowRowWriter<T>(builder, ArrowTableWriter.Create(path, builder.Schema), batchRows);
    }

    /// <summary>Continues a table an interrupted attempt wrote, keeping its rows up to <paramref name="upToStep"/>
    /// (see <see cref="ArrowTableWriter.Resume"/>).</summary>
    public static ArrowRowWriter<T> Resume(string path, RecordBatchBuilder<T> builder, long upToStep, int batchRows = DefaultBatchRows)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchRows, 1);
        return new ArrowRowWriter<T>(builder, ArrowTableWriter.Resume(path, builder.Schema, upToStep), batchRows);
    }

    /// <summary>Buffers a row; every <c>batchRows</c> rows the buffer is written synchronously as one batch.</summary>
    public void Append(T row)
    {
        _buffer.Add(row);
        RowCount++;
        if (_buffer.Count < _batchRows) return;
        using var batch = TakeBatch();
        _writer.Write(batch);
    }

    /// <summary>Makes every row appended so far durable (a sealed part that survives SIGKILL),
    /// labelled with <paramref name="step"/>, the last step those rows belong to.</summary>
    public void Seal(long step)
    {
        if (_buffer.Count > 0)
        {
            using var batch = TakeBatch();
            _writer.Write(batch);
        }
        _writer.Seal(step);
    }

    /// <summary>Writes the buffered rows (if any) as a batch, e.g. at a logging boundary.</summary>
    public async Task FlushAsync(CancellationToken ct = default)
    {
        if (_buffer.Count == 0) return;
        using var batch = TakeBatch();
        await _writer.WriteAsync(batch, ct).ConfigureAwait(false);
    }

    /// <summary>Flushes and completes the file, which then appears under its final name.</summary>
    public async Task CompleteAsync()
    {
        await FlushAsync(CancellationToken.None).ConfigureAwait(false);
        await _writer.CompleteAsync().ConfigureAwait(false);
    }

    /// <summary>Discards the file, buffered rows included.</summary>
    public void Abort()
    {
        _buffer.Clear();
        _writer.Abort();
    }

    /// <summary>Completes if still open, keeping buffered rows (see <see cref="ArrowTableWriter"/>).</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_buffer.Count > 0) await FlushAsync(CancellationToken.None).ConfigureAwait(false);
        }
        finally
        {
            await _writer.DisposeAsync().ConfigureAwait(false);
        }
    }

    private RecordBatch TakeBatch()
    {
        var batch = _builder.Build(_buffer);
        _buffer.Clear();
        return batch;
    }
}
