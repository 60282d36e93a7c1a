using System.Globalization;
using System.IO.Hashing;

namespace Retention.Data;

/// <summary>
/// A running digest of the lines of a shard read so far, saved in a <see cref="SourceCursor"/> so that a resume, which
/// skips that many lines of the shard again, can tell whether they are still the lines the run read. Without it a shard
/// rewritten between a checkpoint and <c>--resume</c> (a URL's file replaced on the server, where the run's recorded
/// sizes cannot see it) would be skipped by line count into another version's lines, silently.
/// </summary>
/// <remarks>Chained XXH3: each line's hash is seeded with the digest of the lines before it, so the digest is a pure
/// function of the lines in order, costs one pass over bytes already in memory, and needs no state beyond one number.</remarks>
public static class LinesDigest
{
    /// <summary>The digest of no lines: a shard not yet read.</summary>
    public const ulong Empty = 0;

    /// <summary>The digest after <paramref name="line"/> (as the line reader gives it: no line end, no BOM).</summary>
    public static ulong Append(ulong digest, ReadOnlySpan<byte> line) => XxHash3.HashToUInt64(line, unchecked((long)digest));

    /// <summary>How a cursor writes it: 16 lowercase hex digits.</summary>
    public static string Format(ulong digest) => digest.ToString("x16", CultureInfo.InvariantCulture);
}
