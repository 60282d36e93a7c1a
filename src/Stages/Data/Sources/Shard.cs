namespace Retention.Data;

/// <summary>How a shard's bytes are compressed, from its file name.</summary>
public enum ShardCompression { None, Gzip, Zstd }

/// <summary>One shard of a source: a local file path (absolute) or an http(s) URL.</summary>
public sealed record Shard(string Location)
{
    public bool IsHttp => IsUrl(Location);

    /// <summary>The file name part (for a URL: of its path, without query or fragment).</summary>
    public string FileName => IsHttp
        ? Path.GetFileName(new Uri(Location).AbsolutePath)
        : Path.GetFileName(Location);

    /// <summary>By extension: <c>.gz</c> gzip, <c>.zst</c>/<c>.zstd</c> zstd, anything else plain.</summary>
    public ShardCompression Compression => CompressionOf(FileName);

    public override string ToString() => Location;

    public static bool IsUrl(string s) =>
        s.StartsWith("http://", StringComparison.OrdinalIgnoreCase) ||
        s.StartsWith("https://", StringComparison.OrdinalIgnoreCase);

    public static ShardCompression CompressionOf(string fileName) =>
        fileName.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? ShardCompression.Gzip
        : fileName.EndsWith(".zst", StringComparison.OrdinalIgnoreCase)
          || fileName.EndsWith(".zstd", StringComparison.OrdinalIgnoreCase) ? ShardCompression.Zstd
        : ShardCompression.None;

    /// <summary>Whether <paramref name="fileName"/> looks like a Dolma shard: JSON lines, plain or compressed.</summary>
    public static bool IsDolmaName(string fileName)
    {
        var name = fileName.ToLowerInvariant();
        foreach (var suffix in (string[])[".gz", ".zst", ".zstd"])
            if (name.EndsWith(suffix, StringComparison.Ordinal)) { name = name[..^suffix.Length]; break; }
        return name.EndsWith(".json", StringComparison.Ordinal) || name.EndsWith(".jsonl", StringComparison.Ordinal)
            || name.EndsWith(".ndjson", StringComparison.Ordinal);
    }
}
