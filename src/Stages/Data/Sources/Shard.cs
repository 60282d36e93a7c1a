namespace Retention.Data;

/// <summary>How a shard's bytes are compressed, from its file name.</summary>
public enum ShardCompression { None, Gzip, Zstd }

/// <summary>One shard of a source: a local file path (absolute) or an http(s) URL.</summary>
/// <param name="Location">Where it is read from: an absolute path, or the URL.</param>
/// <param name="IdName">What the ids of its lines without an id are made of (<see cref="DolmaParser.SynthesisedId"/>):
/// the path as the source's entries spell it, so it does not depend on where the project lies
/// (<see cref="ShardList.Expand"/>). Default: the location.</param>
public sealed record Shard(string Location, string? IdName = null)
{
    public string IdName { get; init; } = IdName ?? Location;

    /// <summary>This shard as runs named it before names were relative: a relative <see cref="IdName"/> resolved against
    /// <paramref name="folder"/> (the folder the run's paths first resolved against), which gives the absolute path those
    /// runs used even when the project has moved since. Absolute names and URLs stay.</summary>
    public Shard WithAbsoluteIdName(string folder) =>
        IsHttp || Path.IsPathRooted(IdName) ? this : this with { IdName = Path.GetFullPath(IdName, folder) };

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

    /// <summary>Whether <paramref name="fileName"/> looks like a Dolma shard: JSON lines, plain or compressed. Not the manifest
    /// `data tokenize` writes beside its token files: a folder of them is no folder of documents.</summary>
    public static bool IsDolmaName(string fileName)
    {
        if (fileName == PretokenizedManifest.FileName) return false;
        var name = fileName.ToLowerInvariant();
        foreach (var suffix in (string[])[".gz", ".zst", ".zstd"])
            if (name.EndsWith(suffix, StringComparison.Ordinal)) { name = name[..^suffix.Length]; break; }
        return name.EndsWith(".json", StringComparison.Ordinal) || name.EndsWith(".jsonl", StringComparison.Ordinal)
            || name.EndsWith(".ndjson", StringComparison.Ordinal);
    }
}
