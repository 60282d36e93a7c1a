using System.IO.Compression;

namespace Retention.Data;

/// <summary>
/// Opens a shard as a decompressed byte stream: local files directly, http(s) URLs through a
/// <see cref="ResumableHttpStream"/> (streamed, resumed by Range on failures); then gzip
/// (<see cref="CheckedGzipStream"/>, which notices truncation), zstd (ZstdSharp), or plain by
/// the file name's extension.
/// </summary>
/// <param name="notice">Told of each retry of an HTTP shard (<see cref="ResumableHttpStream"/>).</param>
/// <param name="stop">Ends an HTTP shard's reads, its waits between retries included, when cancelled (Ctrl+C).</param>
public sealed class ShardReader(HttpClient? http = null, HttpRetryPolicy? retry = null, Action<string>? notice = null, CancellationToken stop = default)
{
    private readonly Lazy<HttpClient> _http = new(() => http ?? SharedClient.Value);
    private static readonly Lazy<HttpClient> SharedClient = new(ResumableHttpStream.CreateClient);

    public HttpRetryPolicy Retry { get; } = retry ?? HttpRetryPolicy.Default;

    /// <summary>The shard's raw (still compressed) bytes from <paramref name="offset"/> on.</summary>
    public Stream OpenRaw(Shard shard, long offset = 0)
    {
        if (shard.IsHttp) return new ResumableHttpStream(_http.Value, new Uri(shard.Location), Retry, offset, notice, stop);
        var file = new FileStream(shard.Location, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        if (offset > 0) file.Seek(offset, SeekOrigin.Begin);
        return file;
    }

    /// <summary>The shard's decompressed bytes, from the start.</summary>
    public Stream Open(Shard shard) => Decompress(shard.Compression, OpenRaw(shard));

    public static Stream Decompress(ShardCompression compression, Stream raw) => compression switch
    {
        ShardCompression.Gzip => new CheckedGzipStream(raw),
        ShardCompression.Zstd => new ZstdSharp.DecompressionStream(raw, checkEndOfStream: true, leaveOpen: false),
        _ => raw,
    };

    /// <summary>The quality issue of a decompression error met after <paramref name="linesRead"/>
    /// complete lines (the line being read is the next one).</summary>
    public static DataQualityIssue DescribeReadError(Shard shard, long linesRead, Exception e)
    {
        if (e is ShardReadException { Missing: true })
            return new DataQualityIssue(shard.IdName, 0, DataQualityReasons.MissingShard, $"{e.Message}; the shard is skipped");
        var truncated = e is CompressedDataException { Truncated: true } or EndOfStreamException;
        var what = shard.Compression switch { ShardCompression.Gzip => "gzip", ShardCompression.Zstd => "zstd", _ => "data" };
        return new DataQualityIssue(shard.IdName, linesRead + 1,
            truncated ? DataQualityReasons.Truncated : DataQualityReasons.CorruptCompressed,
            truncated
                ? $"the {what} stream ends early after {linesRead} complete lines; those were kept, the partial line dropped ({e.Message})"
                : $"corrupt {what} data after {linesRead} complete lines; the rest of the shard is skipped ({e.Message})");
    }
}
