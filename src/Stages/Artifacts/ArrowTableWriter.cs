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
/// <see cref="Seal"/> makes the rows written so far durable without completing: they become a
/// complete part file (see <see cref="ArrowParts"/>) that survives SIGKILL and that readers and
/// <see cref="Resume"/> use; completion then merges the parts. Disposing without
/// <see cref="CompleteAsync"/> still completes: a run stopped by Ctrl+C or an exception keeps the
/// batches it already wrote. Call <see cref="Abort"/> to discard them instead. Not thread-safe:
/// one producer writes a file.
/// </remarks>
public sealed class ArrowTableWriter : IAsyncDisposable
{
    private FileStream _stream;
    private ArrowFileWriter _writer;
    private State _state = State.Open;
    private int _batchesInPart;
    private int _nextPart;

    /// <summary>Broken: a write failed (a full disk), so the .tmp cannot be trusted and was removed;
    /// completing does nothing more, and the parts sealed before stay readable.</summary>
    private enum State { Open, Completed, Aborted, Broken }

    private ArrowTableWriter(string path, Schema schema, int nextPart)
    {
        Path = path;
        Schema = schema;
        TmpPath = path + ".tmp";
        _nextPart = nextPart;
        (_stream, _writer) = StartPart(TmpPath, schema);
    }

    /// <summary>The final file name; it exists only after completion.</summary>
    public string Path { get; }

    /// <summary>Where batches are written until they are sealed or completed.</summary>
    public string TmpPath { get; }

    public Schema Schema { get; }

    /// <summary>The number of the last part sealed (this attempt's or, resumed, the kept ones'); 0 before the first.</summary>
    public int LastSealedPart => _nextPart - 1;

    /// <summary>Creates the parent directory and starts <c>&lt;path&gt;.tmp</c>, removing what an
    /// earlier attempt left (a stale <c>.tmp</c> or sealed parts).</summary>
    public static ArrowTableWriter Create(string path, Schema schema)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(schema);
        var fullPath = System.IO.Path.GetFullPath(path);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(fullPath)!);
        DeleteParts(fullPath);
        return new ArrowTableWriter(fullPath, schema, nextPart: 1);
    }

    /// <summary>
    /// Continues a table an earlier, interrupted attempt wrote, keeping its rows whose Int64
    /// <paramref name="stepColumn"/> is at most <paramref name="upToStep"/> (rows are in step order):
    /// a complete <c>&lt;path&gt;</c> (from a stop that completed it) is cut into the first part;
    /// otherwise the sealed parts are kept and those sealed after that step removed. New rows
    /// follow in new parts; completion merges everything.
    /// </summary>
    public static ArrowTableWriter Resume(string path, Schema schema, long upToStep, string stepColumn = "step")
    {
        ArgumentNullException.ThrowIfNull(schema);
        var fullPath = System.IO.Path.GetFullPath(path);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(fullPath)!);
        // Rows of another shape (a table written by an earlier version, beyond nullable columns added at the end) cannot be continued; checked before anything is cut.
        RequireResumable(fullPath, schema, upToStep);
        File.Delete(fullPath + ".tmp");
        if (File.Exists(fullPath))
        {
            // The complete file holds every row and wins over any parts a kill left beside it.
            DeleteParts(fullPath);
            Directory.CreateDirectory(ArrowParts.DirectoryOf(fullPath));
            ArrowParts.CopyRowsUpTo(fullPath, ArrowParts.PathOf(fullPath, 1, upToStep), upToStep, stepColumn);
            File.Delete(fullPath);
            AddedColumns.Pad(ArrowParts.PathOf(fullPath, 1, upToStep), schema);
            return new ArrowTableWriter(fullPath, schema, nextPart: 2);
        }
        var parts = ArrowParts.List(fullPath);
        foreach (var late in parts.Where(p => p.Step > upToStep)) File.Delete(late.Path);
        var kept = parts.Where(p => p.Step <= upToStep).ToList();
        // Rows an older version wrote get the columns added since (NULL), so the parts merge into one table at the end.
        foreach (var part in kept) AddedColumns.Pad(part.Path, schema);
        return new ArrowTableWriter(fullPath, schema, nextPart: kept.Count == 0 ? 1 : kept.Max(p => p.Sequence) + 1);
    }

    /// <summary>The <see cref="LastSealedPart"/> a <see cref="Resume"/> at <paramref name="upToStep"/> leaves: 1 where it cuts a
    /// complete file into the first part, else the last part kept (0 when none).</summary>
    public static int LastSealedPartOnResume(string path, long upToStep)
    {
        var fullPath = System.IO.Path.GetFullPath(path);
        return File.Exists(fullPath) ? 1 : ArrowParts.SealedUpTo(fullPath, upToStep) is [.., var last] ? last.Sequence : 0;
    }

    /// <summary>Throws when the rows a <see cref="Resume"/> at <paramref name="upToStep"/> would keep have other columns than
    /// <paramref name="schema"/>; touches nothing. A set of tables checks them all before resuming any (see <see cref="TableSet"/>).</summary>
    /// <param name="lastSealedPart">The last part sealed with the checkpoint (its manifest), when known: without it, a deleted last part
    /// looks like a table that had no rows since the part before.</param>
    public static void RequireResumable(string path, Schema schema, long upToStep, int? lastSealedPart = null)
    {
        RequireSealedParts(path, upToStep, lastSealedPart);
        foreach (var file in ArrowParts.Kept(System.IO.Path.GetFullPath(path), upToStep)) RequireColumns(file, schema);
    }

    /// <summary>Throws when a part a resume at <paramref name="upToStep"/> would keep is gone (<see cref="RequireResumable"/>'s
    /// check without the columns', for readers that know no schema: `status`); touches nothing.</summary>
    public static void RequireSealedParts(string path, long upToStep, int? lastSealedPart)
    {
        var fullPath = System.IO.Path.GetFullPath(path);
        if (!File.Exists(fullPath)) RequireEveryPart(fullPath, upToStep, lastSealedPart);
    }

    /// <summary>Throws when a part the resume would keep is gone from between the others: parts are numbered 1, 2, ... as they
    /// are sealed, so kept parts 1, 3, 4 lost the rows of part 2, and continuing would complete the run without them.</summary>
    static void RequireEveryPart(string fullPath, long upToStep, int? lastSealedPart)
    {
        var kept = ArrowParts.SealedUpTo(fullPath, upToStep);
        int sealedParts = Math.Max(kept is [.., var last] ? last.Sequence : 0, lastSealedPart ?? 0);
        for (int i = 0; i < sealedParts; i++)
            if (i >= kept.Count || kept[i].Sequence != i + 1)
            {
                var missing = System.IO.Path.Combine(ArrowParts.DirectoryOf(fullPath), $"{i + 1:D6}-*.arrow");
                throw new ArtifactException(missing, $"is missing: part {i + 1} of the {sealedParts} parts sealed up to the checkpoint's step {upToStep}, " +
                    $"the rows it held would be lost; restore it, or {ResumeAdvice.TrainAfresh(fullPath)}");
            }
    }

    /// <summary>Throws the "other columns" error when <paramref name="file"/>'s columns are not <paramref name="schema"/>'s,
    /// unless the schema only adds nullable columns after them (<see cref="AddedColumns"/>: a resume fills them with NULL).</summary>
    public static void RequireColumns(string file, Schema schema)
    {
        string Columns(Schema s) => string.Join(", ", s.FieldsList.Select(f => $"{f.Name} {f.DataType.Name}"));
        var written = ArrowFooter.TryReadSchema(file, out var problem) ?? throw new ArtifactException(file,
            $"cannot be read ({problem!.Message}), so the run cannot continue the rows it holds: {ResumeAdvice.TrainAfresh(file)}", problem);
        if (AddedColumns.Of(written, schema) is null)
            throw new ArtifactException(file, $"was written with other columns ({Columns(written)}) than this version writes " +
                $"({Columns(schema)}), so the run cannot continue it: {ResumeAdvice.TrainAfresh(file)}");
    }

    public async Task WriteAsync(RecordBatch batch, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(batch);
        EnsureOpen();
        _batchesInPart++;
        try
        {
            await _writer.WriteRecordBatchAsync(batch, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Break();
            throw;
        }
    }

    /// <summary>Synchronous <see cref="WriteAsync"/>, for producers that are synchronous by design.</summary>
    public void Write(RecordBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        EnsureOpen();
        _batchesInPart++;
        try
        {
            _writer.WriteRecordBatch(batch);
        }
        catch
        {
            Break();
            throw;
        }
    }

    /// <summary>After a failed write: close and remove the .tmp, whose bytes may be half a batch.</summary>
    private void Break()
    {
        _state = State.Broken;
        try { _writer.Dispose(); _stream.Dispose(); } catch (IOException) { /* the disk is still full */ }
        File.Delete(TmpPath);
    }

    /// <summary>Makes the batches written since the last seal durable as a complete part file
    /// labelled <paramref name="step"/> (the last step its rows belong to); nothing when there are none.</summary>
    public void Seal(long step)
    {
        if (_state == State.Broken) return;
        EnsureOpen();
        // A complete file while this writer is open is an earlier attempt's (one that ended before any checkpoint, its run
        // now trained again from step 0). Left beside the parts it would win over them, for readers and for a resume,
        // which would cut it and drop their rows; also with no rows to seal yet, its rows are not this attempt's. Deleted
        // before any part lands: a kill between leaves no checkpoint of this step.
        File.Delete(Path);
        if (_batchesInPart == 0) return;
        FinishPart();
        Directory.CreateDirectory(ArrowParts.DirectoryOf(Path));
        File.Move(TmpPath, ArrowParts.PathOf(Path, _nextPart++, step), overwrite: true);
        (_stream, _writer) = StartPart(TmpPath, Schema);
        _batchesInPart = 0;
    }

    /// <summary>Writes the footer, flushes to disk and renames the file to <see cref="Path"/>
    /// (merging the sealed parts, if any, before it).</summary>
    public Task CompleteAsync()
    {
        if (_state == State.Broken) return Task.CompletedTask;   // its write error was reported already
        EnsureOpen();
        var parts = ArrowParts.List(Path);
        try
        {
            // Not cancellable on purpose: a half-written footer would lose every batch.
            FinishPart();
        }
        finally
        {
            _state = State.Completed;
        }
        if (parts.Count == 0)
        {
            File.Move(TmpPath, Path, overwrite: true);
            return Task.CompletedTask;
        }
        var sources = parts.Select(p => p.Path).ToList();
        if (_batchesInPart > 0)
        {
            // Rows after the last seal: a part of their own (labelled beyond any step, so a resume
            // from a kill during the merge drops them as it would have dropped the .tmp).
            var last = ArrowParts.PathOf(Path, _nextPart++, long.MaxValue);
            File.Move(TmpPath, last, overwrite: true);
            sources.Add(last);
        }
        else File.Delete(TmpPath);
        if (sources.Count == 1) File.Move(sources[0], Path, overwrite: true);
        else ArrowParts.Merge(sources, Path, Schema);
        DeleteParts(Path);
        return Task.CompletedTask;
    }

    /// <summary>Discards what was written: closes and deletes the temporary file and any sealed parts.</summary>
    public void Abort()
    {
        if (_state != State.Open) return;
        _state = State.Aborted;
        _writer.Dispose();
        _stream.Dispose();
        DeleteParts(Path);
    }

    /// <summary>Completes if still open, so data written before an exception or Ctrl+C survives.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_state == State.Open) await CompleteAsync().ConfigureAwait(false);
    }

    private static (FileStream, ArrowFileWriter) StartPart(string tmpPath, Schema schema)
    {
        var stream = new FileStream(tmpPath, FileMode.Create, FileAccess.Write, FileShare.Read);
        try
        {
            var writer = new ArrowFileWriter(stream, schema, leaveOpen: true);
            // The schema message is otherwise written lazily with the first batch; writing it
            // now keeps a table with zero batches a valid file after completion.
            writer.WriteStart();
            return (stream, writer);
        }
        catch
        {
            stream.Dispose();
            File.Delete(tmpPath);
            throw;
        }
    }

    /// <summary>Footer, flush to disk, close: the .tmp is then a complete Arrow file. When that fails
    /// (a full disk) the half-written .tmp is removed: it is unreadable, and the parts sealed before stay.</summary>
    private void FinishPart()
    {
        try
        {
            _writer.WriteEnd();
            _stream.Flush(flushToDisk: true);
        }
        catch
        {
            try { _writer.Dispose(); _stream.Dispose(); } catch (IOException) { /* the disk is still full */ }
            File.Delete(TmpPath);
            throw;
        }
        _writer.Dispose();
        _stream.Dispose();
    }

    private static void DeleteParts(string path)
    {
        File.Delete(path + ".tmp");
        var parts = ArrowParts.DirectoryOf(path);
        if (Directory.Exists(parts)) Directory.Delete(parts, recursive: true);
    }

    private void EnsureOpen()
    {
        if (_state != State.Open)
            throw new InvalidOperationException($"Arrow writer for '{Path}' is already {_state.ToString().ToLowerInvariant()}.");
    }
}
