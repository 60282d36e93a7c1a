using Retention.Data;

namespace Retention.Benchmarks;

/// <summary>
/// What reading the shards costs before any of this project's code touches a byte: each shard opened as the stream opens it
/// (<see cref="ShardReader"/>: the file, or HTTP, then gzip or zstd by its name) and drained, no line split, no JSON, no
/// tokenizer. Every text stream pays this on top of the raw tokenizer's work, so on cores that both keep busy it bounds the
/// stream's ratio to the raw tokenizer from above: <see cref="Ceiling"/>. On Brown's gzip shards, 2 quiet cores: 13% of the
/// word-cached tokenizer's CPU (a ceiling of 0.88, with nothing else spent).
/// </summary>
public static class ShardReadingFloor
{
    /// <summary>Decompressed bytes of one measurement, and its clock.</summary>
    public sealed record Reading(long Bytes, double Seconds, double CpuSeconds);

    /// <summary>Drains every shard of <paramref name="paths"/> <paramref name="epochs"/> times. A shard that fails partway
    /// (truncated, corrupt, missing) counts what was read before the failure, as the stream keeps those lines and skips the
    /// rest; the bench's warning already names such shards.</summary>
    public static Reading Measure(IReadOnlyList<string> paths, string baseDirectory, int epochs, CancellationToken ct)
    {
        var shards = ShardList.Expand(paths, baseDirectory);
        var reader = new ShardReader(stop: ct);
        var buffer = new byte[1 << 16];
        var clock = new WallAndCpuClock();
        long bytes = 0;
        for (int e = 0; e < epochs; e++)
            foreach (var shard in shards)
                bytes += Drain(reader, shard, buffer, ct);
        return new(bytes, clock.Seconds, clock.CpuSeconds);
    }

    static long Drain(ShardReader reader, Shard shard, byte[] buffer, CancellationToken ct)
    {
        long bytes = 0;
        try
        {
            using var stream = reader.Open(shard);
            int n;
            while ((n = stream.Read(buffer)) > 0)
            {
                bytes += n;
                ct.ThrowIfCancellationRequested();
            }
        }
        catch (Exception e) when (e is not OperationCanceledException) { /* the stream skips the rest of such a shard too */ }
        return bytes;
    }

    /// <summary>The most of the raw tokenizer's tokens per CPU second a stream can move that must also read the shards:
    /// the tokenizer's CPU seconds over them plus the reading's (both for the same passes).</summary>
    public static double Ceiling(double tokenizerCpuSeconds, double readingCpuSeconds) =>
        tokenizerCpuSeconds <= 0 ? 1 : tokenizerCpuSeconds / (tokenizerCpuSeconds + Math.Max(readingCpuSeconds, 0));
}
