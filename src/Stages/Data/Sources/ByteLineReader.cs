namespace Retention.Data;

/// <summary>
/// Splits a (decompressed) byte stream into lines as raw bytes, so that each line's UTF-8 can be
/// checked on its own and a bad byte costs one line, not the shard. Lines end at '\n' (a '\r'
/// before it is dropped); a last line without '\n' still counts. A line longer than the limit
/// is skipped to its end and reported, so one corrupt binary shard cannot exhaust memory.
/// A read error is returned, not thrown, so callers (iterators) can record it and stop.
/// </summary>
public sealed class ByteLineReader(Stream stream, int maxLineBytes = ByteLineReader.DefaultMaxLineBytes) : IDisposable
{
    public const int DefaultMaxLineBytes = 64 << 20;

    public enum Status { Line, TooLong, End, Error }

    /// <summary>Whether <see cref="Next"/> answers without reading the stream: a whole line, the end or a failure is in hand.
    /// A caller holding work it has not handed on looks here before a call that may wait on a slow or stalled source.</summary>
    public bool Answers => _failed || _eof || _buf.AsSpan(_start, _end - _start).Contains((byte)'\n');

    private byte[] _buf = new byte[Math.Min(65536, maxLineBytes + 1)];
    private int _start, _end;
    private bool _eof, _failed, _first = true;

    /// <summary>
    /// The next line: <see cref="Status.Line"/> with <paramref name="line"/> (valid until the next
    /// call), <see cref="Status.TooLong"/> (the line was skipped), <see cref="Status.End"/>, or
    /// <see cref="Status.Error"/> with the stream's exception (then End forever; a partial last
    /// line is dropped, because an interrupted line is not a line).
    /// </summary>
    public Status Next(out ReadOnlyMemory<byte> line, out Exception? error)
    {
        line = default;
        error = null;
        if (_failed) return Status.End;
        var scan = _start;
        while (true)
        {
            var nl = _buf.AsSpan(scan, _end - scan).IndexOf((byte)'\n');
            if (nl >= 0)
            {
                line = Take(scan + nl, scan + nl + 1);
                return Status.Line;
            }
            if (_eof)
            {
                if (_start == _end) return Status.End;
                line = Take(_end, _end);
                return Status.Line;
            }
            scan = _end;
            if (_end - _start > maxLineBytes) return SkipLongLine(out error);
            if (!Fill(ref scan, out error)) return Status.Error;
        }
    }

    private ReadOnlyMemory<byte> Take(int lineEnd, int next)
    {
        var start = _start;
        var end = lineEnd > start && _buf[lineEnd - 1] == (byte)'\r' ? lineEnd - 1 : lineEnd;
        if (_first)
        {
            _first = false;
            if (_buf.AsSpan(start, end - start).StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF])) start += 3; // UTF-8 BOM
        }
        _start = next;
        return _buf.AsMemory(start, end - start);
    }

    private Status SkipLongLine(out Exception? error)
    {
        _first = false;
        while (true)
        {
            var nl = _buf.AsSpan(_start, _end - _start).IndexOf((byte)'\n');
            if (nl >= 0)
            {
                _start += nl + 1;
                error = null;
                return Status.TooLong;
            }
            _start = _end = 0;
            if (_eof)
            {
                error = null;
                return Status.TooLong;
            }
            var scan = 0;
            if (!Fill(ref scan, out error)) return Status.Error;
        }
    }

    /// <summary>Reads more bytes after the kept ones, compacting or growing the buffer first.</summary>
    private bool Fill(ref int scan, out Exception? error)
    {
        error = null;
        if (_start > 0)
        {
            _buf.AsSpan(_start, _end - _start).CopyTo(_buf);
            scan -= _start;
            _end -= _start;
            _start = 0;
        }
        if (_end == _buf.Length) Array.Resize(ref _buf, (int)Math.Min((long)_buf.Length * 2, maxLineBytes + 65536L));
        try
        {
            var n = stream.Read(_buf, _end, _buf.Length - _end);
            if (n == 0) _eof = true;
            _end += n;
            return true;
        }
        catch (Exception e) when (e is CompressedDataException or InvalidDataException or EndOfStreamException or ZstdSharp.ZstdException
                                   or ShardReadException { Missing: true })
        {
            // Decompressor errors and a shard the server says is not there are data errors; network and disk errors still propagate.
            _failed = true;
            error = e;
            return false;
        }
    }

    public void Dispose() => stream.Dispose();
}
