using System.IO.Compression;
using System.Text;
using System.Text.Json;
using Retention.Data;

namespace Retention.Tests.Data;

/// <summary>Small Dolma shards written into a temp folder for the data tests.</summary>
static class DataFiles
{
    public static readonly Encoding Utf8 = new UTF8Encoding(false);

    /// <summary>One Dolma JSON line.</summary>
    public static string Line(string id, string text, string source = "test") =>
        JsonSerializer.Serialize(new { id, text, source, added = "2024-01-01", metadata = new { n = 1 } });

    /// <summary>Documents with seeded random text (letters and spaces, so gzip cannot shrink it much).</summary>
    public static List<(string Id, string Text)> Docs(string prefix, int count, int textLength = 60, int seed = 0)
    {
        var rng = new Random(seed);
        var docs = new List<(string, string)>(count);
        for (var i = 0; i < count; i++)
        {
            var chars = new char[textLength];
            for (var j = 0; j < chars.Length; j++) chars[j] = rng.Next(6) == 0 ? ' ' : (char)('a' + rng.Next(26));
            docs.Add(($"{prefix}-{i}", new string(chars)));
        }
        return docs;
    }

    public static List<string> Lines(IEnumerable<(string Id, string Text)> docs, string source = "test") =>
        [.. docs.Select(d => Line(d.Id, d.Text, source))];

    public static byte[] Bytes(IEnumerable<string> lines) => Utf8.GetBytes(string.Concat(lines.Select(l => l + "\n")));

    public static byte[] Gzip(byte[] data)
    {
        using var ms = new MemoryStream();
        using (var gz = new GZipStream(ms, CompressionLevel.Fastest, leaveOpen: true)) gz.Write(data);
        return ms.ToArray();
    }

    /// <summary>A gzip shard of two members (as concatenated .gz files are): <paramref name="first"/>'s lines,
    /// intact, then <paramref name="second"/>'s, whose first deflate block header is corrupted to the reserved
    /// block type (BTYPE 11), so inflating fails exactly where the second member's data begins, in the middle of
    /// the file, before any of its bytes come out. Checked here with a plain GZipStream, independently of the
    /// reader under test: the bytes before the corruption decompress to all of <paramref name="first"/>'s lines
    /// and then it throws; uncorrupted, the file holds every line.</summary>
    public static byte[] GzipCorruptAfter(IReadOnlyList<string> first, IReadOnlyList<string> second)
    {
        byte[] a = Gzip(Bytes(first)), b = Gzip(Bytes(second));
        if (b[3] != 0) throw new InvalidOperationException("expected a 10-byte gzip header with no optional fields");
        var whole = a.Concat(b).ToArray();
        if (!Decompressed(whole, out var all) || !all.SequenceEqual(Bytes([.. first, .. second])))
            throw new InvalidOperationException("the uncorrupted two-member file should hold every line");
        var corrupt = (byte[])whole.Clone();
        corrupt[a.Length + 10] |= 0b110;   // BFINAL stays, BTYPE (bits 1-2) becomes 11: "invalid block type"
        if (Decompressed(corrupt, out var before) || !before.SequenceEqual(Bytes(first)))
            throw new InvalidOperationException("a plain GZipStream should give the first member's lines, then fail");
        return corrupt;
    }

    /// <summary>Decompresses until the end or the first error; false on an error, with what came out before it.</summary>
    static bool Decompressed(byte[] gz, out byte[] output)
    {
        var text = new MemoryStream();
        var ok = true;
        using (var gzip = new GZipStream(new MemoryStream(gz), CompressionMode.Decompress))
        {
            var buffer = new byte[4096];
            try
            {
                for (int n; (n = gzip.Read(buffer)) > 0;) text.Write(buffer, 0, n);
            }
            catch (InvalidDataException) { ok = false; }
        }
        output = text.ToArray();
        return ok;
    }

    public static byte[] Zstd(byte[] data)
    {
        using var compressor = new ZstdSharp.Compressor(3);
        return compressor.Wrap(data).ToArray();
    }

    /// <summary>Writes <paramref name="data"/> compressed as the file name says and returns the path.</summary>
    public static string Write(string path, byte[] data)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, Shard.CompressionOf(path) switch
        {
            ShardCompression.Gzip => Gzip(data),
            ShardCompression.Zstd => Zstd(data),
            _ => data,
        });
        return path;
    }

    public static string Write(string path, IEnumerable<string> lines) => Write(path, Bytes(lines));

    /// <summary>A source over explicit shards, no shard shuffling unless asked.</summary>
    public static DocumentSource Source(IEnumerable<string> paths, DataQualityLog log, int shuffleBuffer = 1,
        long seed = 0, bool shuffleShards = false, int epochs = 1, bool strict = false, string name = "test",
        double weight = 1, ShardReader? reader = null, int maxLineBytes = ByteLineReader.DefaultMaxLineBytes)
    {
        var spec = new DataSourceSpec
        {
            Name = name, Paths = [.. paths], ShuffleBuffer = shuffleBuffer, ShuffleShards = shuffleShards,
            Epochs = epochs, Strict = strict, Weight = weight, Seed = seed,
        };
        return new DocumentSource(spec, ShardList.Expand(spec.Paths, "/"), seed, log,
            (reader ?? new ShardReader()).Open, maxLineBytes);
    }

    public static List<string> Ids(IEnumerable<Document> docs) => [.. docs.Select(d => d.Id)];
}
