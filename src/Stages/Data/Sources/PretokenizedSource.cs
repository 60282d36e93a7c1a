using System.Buffers.Binary;
using System.Collections.Immutable;
using System.Runtime.InteropServices;

namespace Retention.Data;

/// <summary>Element type of a pre-tokenized file; the value is its size in bytes.</summary>
public enum TokenDtype { UInt16 = 2, UInt32 = 4 }

/// <summary>Resume point of a pre-tokenized source: the file (index into the source's file
/// order of that <paramref name="Epoch"/>) and the token offset within it of the next token to read.
/// Checkpoints written before epochs were read lack the epoch: they were all in the first.</summary>
public sealed record PretokenizedCursor(int FileIndex, long TokenOffset, int Epoch = 0) : ReadCursor
{
    public static PretokenizedCursor Start { get; } = new(0, 0);
}

/// <summary>Consecutive tokens of one file starting at token <paramref name="Offset"/>, and the cursor after them.</summary>
public sealed record TokenChunk(ImmutableArray<int> Tokens, string File, int FileIndex, long Offset, PretokenizedCursor After);

/// <summary>One document of a pre-tokenized file: its tokens up to and including the EOS token
/// (or up to the file's end), where it starts, and the cursor after it.</summary>
public sealed record TokenDocument(ImmutableArray<int> Tokens, string File, int FileIndex, long Offset, PretokenizedCursor After);

/// <summary>
/// OLMo's pre-tokenized data: each file is a flat array of token ids, little-endian uint16
/// (vocabularies below 65,536; OLMo's default) or uint32, with no header, as written by
/// <c>np.memmap(path, dtype, mode="w+")</c> and read back by OLMo's MemMapDataset with the
/// configured <c>memmap_dtype</c>; documents are separated by the EOS token already in the array.
/// Files carry the .npy extension although they are raw memmaps; a file that does start with a
/// real NumPy header (<c>\x93NUMPY</c>) is read past it, and its dtype must match the configured one.
/// </summary>
/// <remarks>Read as one sequential token stream over the files in order; chunk boundaries are
/// fixed by the chunk size (never by network read sizes), so the stream is the same on every run.
/// A file whose size is not a whole number of tokens gives one <c>truncated_tokens</c> issue.</remarks>
public sealed class PretokenizedSource
{
    private readonly ShardReader _reader;
    private readonly DataQualityLog _log;
    private readonly bool _strict;

    /// <param name="files">The files in the order of <paramref name="epoch"/>.</param>
    /// <param name="epoch">Which pass over the files this is: its cursors carry it.</param>
    public PretokenizedSource(ImmutableArray<Shard> files, TokenDtype dtype, DataQualityLog log, bool strict = false,
        ShardReader? reader = null, int epoch = 0)
    {
        ArgumentNullException.ThrowIfNull(log);
        Files = files;
        Epoch = epoch;
        Dtype = dtype;
        _log = log;
        _strict = strict;
        _reader = reader ?? new ShardReader();
    }

    /// <summary>From a <c>format: pretokenized</c> spec: files expanded (.npy, .bin, .memmap), ordered
    /// by the seed when <c>shuffle_shards</c>, afresh for each <paramref name="epoch"/> as a text source's shards are.
    /// Documents are read in file order (there is no document shuffle).</summary>
    /// <param name="absoluteIdsFrom">Name the files by absolute paths, relative names resolved against this folder
    /// (<see cref="DataStreamSpec.AbsoluteIdsFrom"/>); null: by the names the paths spell.</param>
    public static PretokenizedSource Create(DataSourceSpec spec, string baseDirectory, long runSeed, DataQualityLog log,
        ShardReader? reader = null, string? absoluteIdsFrom = null, int epoch = 0)
    {
        var errors = spec.Validate("source '" + spec.Name + "'");
        if (errors.Count > 0) throw new DataException(string.Join("; ", errors));
        if (spec.Format != "pretokenized") throw new DataException($"source '{spec.Name}': format {spec.Format} is not pre-tokenized");
        var files = ShardList.Expand(spec.Paths, baseDirectory, IsTokenFileName);
        if (absoluteIdsFrom is not null) files = [.. files.Select(f => f.WithAbsoluteIdName(absoluteIdsFrom))];
        var seed = spec.Seed ?? SeededStream.DeriveSeed(runSeed, spec.Name);
        return new PretokenizedSource(ShardList.Order(files, seed, epoch, spec.ShuffleShards), ParseDtype(spec.TokenDtype),
            log, spec.Strict, reader, epoch);
    }

    public ImmutableArray<Shard> Files { get; }
    public int Epoch { get; }
    public TokenDtype Dtype { get; }

    public static bool IsTokenFileName(string name) =>
        name.EndsWith(".npy", StringComparison.OrdinalIgnoreCase) || name.EndsWith(".bin", StringComparison.OrdinalIgnoreCase)
        || name.EndsWith(".memmap", StringComparison.OrdinalIgnoreCase);

    public static TokenDtype ParseDtype(string name) => name switch
    {
        "uint16" => TokenDtype.UInt16,
        "uint32" => TokenDtype.UInt32,
        _ => throw new DataException($"token_dtype must be uint16 or uint32 (got '{name}')"),
    };

    /// <summary>The token stream from <paramref name="from"/> in chunks of up to
    /// <paramref name="chunkTokens"/> tokens (a chunk never spans two files).</summary>
    public IEnumerable<TokenChunk> ReadTokens(PretokenizedCursor? from = null, int chunkTokens = 1 << 16)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(chunkTokens, 1);
        var c = from ?? new PretokenizedCursor(0, 0, Epoch);
        if (c.FileIndex < 0 || c.FileIndex > Files.Length || c.TokenOffset < 0 || c.Epoch != Epoch)
            throw new DataException($"cursor {c} does not fit the {Files.Length} token files of epoch {Epoch}");
        var size = (int)Dtype;
        var buffer = new byte[chunkTokens * size];
        for (var f = c.FileIndex; f < Files.Length; f++)
        {
            var file = Files[f];
            var offset = f == c.FileIndex ? c.TokenOffset : 0;
            var dataStart = DataStart(file);
            using var raw = _reader.OpenRaw(file, dataStart + offset * size);
            var fileLength = raw.CanSeek ? raw.Length : (long?)null;
            while (true)
            {
                var bytes = raw.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
                fileLength ??= (raw as ResumableHttpStream)?.ResourceLength;
                var count = bytes / size;
                var endOffset = offset + count;
                // Where the file ends is known from its length, or from a short read.
                var totalTokens = fileLength is { } len ? (len - dataStart) / size : (long?)null;
                var atEnd = bytes < buffer.Length || endOffset == totalTokens;
                if (atEnd) CheckWholeTokens(file, endOffset, fileLength is { } l ? (l - dataStart) % size : bytes % size);
                if (atEnd && endOffset == 0)
                    _log.Record(new DataQualityIssue(file.IdName, 0, DataQualityReasons.EmptyShard, "the file has no tokens"), _strict);
                if (count > 0)
                    yield return new TokenChunk(Decode(buffer.AsSpan(0, count * size)), file.Location, f, offset,
                        new PretokenizedCursor(atEnd ? f + 1 : f, atEnd ? 0 : endOffset, Epoch));
                offset = endOffset;
                if (atEnd) break;
            }
        }
    }

    /// <summary>The documents from <paramref name="from"/>: token runs ending with
    /// <paramref name="eosTokenId"/> (included), a file's end also ending one.</summary>
    public IEnumerable<TokenDocument> ReadDocuments(int eosTokenId, PretokenizedCursor? from = null, int chunkTokens = 1 << 16)
    {
        var current = new List<int>();
        (string File, int Index, long Offset) start = ("", -1, 0);
        TokenChunk? previous = null;
        foreach (var chunk in ReadTokens(from, chunkTokens))
        {
            // A file that ended without EOS and without a known length: flush at the next file.
            if (current.Count > 0 && chunk.FileIndex != start.Index)
            {
                yield return new TokenDocument([.. current], start.File, start.Index, start.Offset, previous!.After);
                current.Clear();
            }
            var tokens = chunk.Tokens;
            for (var k = 0; k < tokens.Length; k++)
            {
                if (current.Count == 0) start = (chunk.File, chunk.FileIndex, chunk.Offset + k);
                current.Add(tokens[k]);
                if (tokens[k] != eosTokenId) continue;
                var after = k == tokens.Length - 1 ? chunk.After : new PretokenizedCursor(chunk.FileIndex, chunk.Offset + k + 1, Epoch);
                yield return new TokenDocument([.. current], start.File, start.Index, start.Offset, after);
                current.Clear();
            }
            if (current.Count > 0 && chunk.After.FileIndex != chunk.FileIndex)
            {
                yield return new TokenDocument([.. current], start.File, start.Index, start.Offset, chunk.After);
                current.Clear();
            }
            previous = chunk;
        }
        if (current.Count > 0) yield return new TokenDocument([.. current], start.File, start.Index, start.Offset, previous!.After);
    }

    private void CheckWholeTokens(Shard file, long tokens, long leftoverBytes)
    {
        if (leftoverBytes == 0) return;
        _log.Record(new DataQualityIssue(file.IdName, tokens, DataQualityReasons.TruncatedTokens,
            $"{Messages.Counted.Of(leftoverBytes, "byte")} after the last whole {NumpyName(Dtype)} token; ignored"), _strict);
    }

    private ImmutableArray<int> Decode(ReadOnlySpan<byte> bytes)
    {
        var tokens = new int[bytes.Length / (int)Dtype];
        if (Dtype == TokenDtype.UInt16)
        {
            for (var i = 0; i < tokens.Length; i++) tokens[i] = BinaryPrimitives.ReadUInt16LittleEndian(bytes[(2 * i)..]);
        }
        else
        {
            for (var i = 0; i < tokens.Length; i++)
            {
                var t = BinaryPrimitives.ReadUInt32LittleEndian(bytes[(4 * i)..]);
                if (t > int.MaxValue) throw new DataException($"token id {t} does not fit an int; is the dtype right?");
                tokens[i] = (int)t;
            }
        }
        return ImmutableCollectionsMarshal.AsImmutableArray(tokens);
    }

    /// <summary>Byte offset of the first token: 0 for a raw memmap, past the header for a real .npy.</summary>
    private long DataStart(Shard file)
    {
        if (NpyHeader.Read(file.Location, offset => _reader.OpenRaw(file, offset)) is not { } header) return 0;
        if (header.Disagreement(file.Location, Dtype) is { } problem) throw new DataException(problem);
        return header.DataStart;
    }

    /// <summary>The dtype as numpy and token_dtype name it.</summary>
    public static string NumpyName(TokenDtype dtype) => dtype == TokenDtype.UInt16 ? "uint16" : "uint32";
}
