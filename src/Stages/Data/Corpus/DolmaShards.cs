using System.IO.Compression;
using System.Text;
using System.Text.Json;

namespace Retention.Data.Corpus;

/// <summary>Writes documents as Dolma shards: gzip JSON lines, <c>&lt;prefix&gt;-NNNN.json.gz</c>, into a folder. The data
/// commands write into a <see cref="StagedOutput"/>'s folder, so a set appears whole, replacing the earlier one.</summary>
public static class DolmaShards
{
    /// <param name="documents">One JSON object per document (id, text, source, ...).</param>
    /// <returns>The shards' paths, in order.</returns>
    public static Task<IReadOnlyList<string>> WriteAsync<T>(IEnumerable<T> documents, string outDir, string prefix, int perShard,
        JsonSerializerOptions? options = null, CancellationToken ct = default) =>
        WriteLinesAsync(documents.Select(d => JsonSerializer.Serialize(d, options)), outDir, prefix, perShard, ct);

    /// <summary>As <see cref="WriteAsync{T}"/>, for documents already serialised: each string is one JSON line, written as it is.</summary>
    public static async Task<IReadOnlyList<string>> WriteLinesAsync(IEnumerable<string> lines, string outDir, string prefix, int perShard,
        CancellationToken ct = default)
    {
        Directory.CreateDirectory(outDir);
        var written = new List<string>();
        foreach (var chunk in lines.Chunk(perShard))
        {
            ct.ThrowIfCancellationRequested();
            var path = Path.Combine(outDir, FileName(prefix, written.Count));
            await WriteShardAsync(path, chunk);
            written.Add(path);
        }
        return written;
    }

    /// <summary>One shard: each string one JSON line, gzip-compressed into <paramref name="path"/>.</summary>
    public static async Task WriteShardAsync(string path, IEnumerable<string> lines)
    {
        await using var stream = File.Create(path);
        await using var gzip = new GZipStream(stream, CompressionLevel.Optimal);
        await using var writer = new StreamWriter(gzip, new UTF8Encoding(false));
        foreach (var line in lines)
            await writer.WriteLineAsync(line);
    }

    /// <summary>The name of the <paramref name="index"/>-th shard (0-based): document i of a write lies in shard i / perShard.</summary>
    public static string FileName(string prefix, long index) => $"{prefix}-{index:D4}.json.gz";

    /// <summary>Whether a file name is one of the shards written with <paramref name="prefix"/> (or one an earlier version
    /// left half written, under .tmp): what a new set of them replaces.</summary>
    public static bool IsShardName(string name, string prefix) =>
        System.Text.RegularExpressions.Regex.IsMatch(name, $"^{System.Text.RegularExpressions.Regex.Escape(prefix)}-[0-9]{{4,}}\\.json\\.gz(\\.tmp)?$");
}
