namespace Retention.Data;

/// <summary>
/// Where a damaged gzip file went wrong, in words. .NET's GZipStream reports every damage (a bad magic number, an
/// unknown compression method, a corrupt block, a CRC-32 that does not match) as "The archive entry was compressed
/// using an unsupported compression method", which sends a user looking for a codec rather than at a damaged file.
/// The header's fixed bytes are checked here; beyond them only how far the file had been read is known. A damaged byte
/// of compressed data often still inflates (to other bytes), and then only the member's CRC-32, at its end, tells.
/// </summary>
public static class GzipDamage
{
    /// <summary>Bytes of the first member's header checked by <see cref="InHeader"/>.</summary>
    public const int HeaderBytes = 4;

    /// <summary>What is wrong with the first bytes of a gzip file, or null when they are as gzip's header has them
    /// (RFC 1952: 0x1f 0x8b, method 8, no reserved flag bit).</summary>
    public static string? InHeader(ReadOnlySpan<byte> head)
    {
        if (head.Length > 0 && head[0] != 0x1f) return $"byte 0 is 0x{head[0]:x2}, where a gzip file starts with 0x1f 0x8b";
        if (head.Length > 1 && head[1] != 0x8b) return $"byte 1 is 0x{head[1]:x2}, where a gzip file starts with 0x1f 0x8b";
        if (head.Length > 2 && head[2] != 8) return $"byte 2 of its gzip header names compression method {head[2]}, where gzip has only 8 (deflate)";
        if (head.Length > 3 && (head[3] & 0xe0) != 0) return $"byte 3 of its gzip header (the flags) has reserved bits set (0x{head[3]:x2})";
        return null;
    }

    /// <summary>The damage past the header: a corrupt compressed block, or a member's CRC-32 or length (its trailer) that
    /// does not match the data. The inflater reads ahead, so all that is known is that it lies before
    /// <paramref name="read"/>, the bytes read when it was found; <paramref name="length"/> is the file's size when known.</summary>
    public static string Describe(ReadOnlySpan<byte> head, long read, long? length)
    {
        // A damaged header is the damage, wherever the reader was when it gave up: the trailer's CRC has nothing to do with it.
        if (InHeader(head) is { } header) return $"a damaged gzip file: {header}";
        const string what = "a compressed block, or the CRC-32 or length check of a member, does not match its data";
        var where = length is { } total
            ? read >= total
                ? $"found with the file read to its end ({total:N0} bytes): the trailer's CRC-32 is checked only there, so a damaged " +
                  "trailer, or a damaged byte anywhere that still inflates, shows there"
                : $"found within its first {read:N0} of {total:N0} bytes"
            : $"found within its first {read:N0} bytes";
        return $"a damaged gzip file: {what}; {where}";
    }
}
