using System.IO.Compression;
using Retention.Data;
using Retention.Tests.Artifacts;

namespace Retention.Tests.Data;

/// <summary>A gzip shard damaged by one byte is reported as a damaged gzip file at its shard, with where the damage was
/// found, never as .NET's "unsupported compression method" (which it says of every damage, a flipped CRC included).</summary>
public class DamagedGzipTests
{
    const string NetMessage = "unsupported compression method";

    /// <summary>A one-member gzip file of <paramref name="count"/> documents, checked to hold a 10-byte header (no
    /// optional fields) so that byte 2 is the method and the last 8 bytes are CRC-32 and length.</summary>
    static (byte[] Gz, byte[] Text) Shard(int count, int textLength = 60)
    {
        var text = DataFiles.Bytes(DataFiles.Lines(DataFiles.Docs("g", count, textLength)));
        var gz = DataFiles.Gzip(text);
        Assert.Equal((0x1f, 0x8b, 8, 0), (gz[0], gz[1], gz[2], gz[3]));
        return (gz, text);
    }

    static byte[] Flipped(byte[] gz, int at)
    {
        var bad = (byte[])gz.Clone();
        bad[at] ^= 0xff;
        return bad;
    }

    /// <summary>The single issue a lenient source records for <paramref name="path"/>, and the error a strict one stops with.</summary>
    static (DataQualityIssue Issue, DataException Strict) Read(string path)
    {
        var log = new DataQualityLog();
        DataFiles.Source([path], log).Documents().ToList();
        var strict = Assert.Throws<DataException>(() => DataFiles.Source([path], new DataQualityLog(), strict: true).Documents().ToList());
        return (Assert.Single(log.Issues), strict);
    }

    [Fact]
    public void A_flipped_crc_byte_in_the_trailer_is_a_damaged_gzip_file_found_at_its_end_naming_the_shard()
    {
        using var dir = new ArtifactTempDir();
        var (gz, text) = Shard(30);
        var bad = Flipped(gz, gz.Length - 8);   // the CRC-32's first byte
        // Independently of the reader: the deflate data is intact (a raw inflater, which checks no CRC, gives every line back).
        using (var raw = new DeflateStream(new MemoryStream(bad, 10, bad.Length - 18), CompressionMode.Decompress))
        {
            var back = new MemoryStream();
            raw.CopyTo(back);
            Assert.Equal(text, back.ToArray());
        }
        var path = dir.File("crc.json.gz");
        File.WriteAllBytes(path, bad);

        var (issue, strict) = Read(path);

        Assert.Equal((path, DataQualityReasons.CorruptCompressed), (issue.Shard, issue.Reason));
        Assert.Contains("a damaged gzip file: a compressed block, or the CRC-32 or length check of a member, does not match its data; " +
            $"found with the file read to its end ({bad.Length:N0} bytes): the trailer's CRC-32 is checked only there", issue.Detail);
        Assert.DoesNotContain(NetMessage, issue.Detail);
        Assert.StartsWith($"{path}:1: corrupt_compressed: corrupt gzip data after 0 complete lines; the rest of the shard is skipped (a damaged gzip file: ", strict.Message);
    }

    [Theory]
    [InlineData(0, "byte 0 is 0xe0, where a gzip file starts with 0x1f 0x8b")]
    [InlineData(1, "byte 1 is 0x74, where a gzip file starts with 0x1f 0x8b")]
    [InlineData(2, "byte 2 of its gzip header names compression method 247, where gzip has only 8 (deflate)")]
    [InlineData(3, "byte 3 of its gzip header (the flags) has reserved bits set (0xff)")]
    public void A_flipped_header_byte_is_a_damaged_gzip_file_naming_the_byte(int at, string expected)
    {
        using var dir = new ArtifactTempDir();
        var (gz, _) = Shard(30);
        var path = dir.File("header.json.gz");
        File.WriteAllBytes(path, Flipped(gz, at));

        var (issue, strict) = Read(path);

        Assert.Equal((path, 1L, DataQualityReasons.CorruptCompressed), (issue.Shard, issue.Line, issue.Reason));
        Assert.EndsWith($"(a damaged gzip file: {expected})", issue.Detail);   // the header is the damage: nothing of a trailer's CRC
        Assert.DoesNotContain(NetMessage, issue.Detail);
        Assert.StartsWith($"{path}:1: corrupt_compressed: ", strict.Message);
    }

    [Fact]
    public void Damage_that_breaks_the_inflater_mid_file_is_found_before_the_end_and_after_the_damaged_byte()
    {
        // Two large members, the second's first block header damaged (DataFiles.GzipCorruptAfter): the inflater stops there,
        // in the middle of the file, long before its end.
        using var dir = new ArtifactTempDir();
        var first = DataFiles.Lines(DataFiles.Docs("a", 400, textLength: 750, seed: 1));
        var bad = DataFiles.GzipCorruptAfter(first, DataFiles.Lines(DataFiles.Docs("b", 400, textLength: 750, seed: 2)));
        var at = DataFiles.Gzip(DataFiles.Bytes(first)).Length + 10;   // the damaged byte
        var path = dir.File("middle.json.gz");
        File.WriteAllBytes(path, bad);

        var (issue, _) = Read(path);

        Assert.Equal((path, 401L, DataQualityReasons.CorruptCompressed), (issue.Shard, issue.Line, issue.Reason));
        var found = System.Text.RegularExpressions.Regex.Match(issue.Detail, @"found within its first ([0-9,]+) of ([0-9,]+) bytes\)$");
        Assert.True(found.Success, issue.Detail);
        var read = long.Parse(found.Groups[1].Value.Replace(",", ""));
        Assert.Equal(bad.Length, long.Parse(found.Groups[2].Value.Replace(",", "")));
        Assert.InRange(read, at + 1, bad.Length - 1);   // the damage lies in what was read, and the file was not read to its end
        Assert.DoesNotContain(NetMessage, issue.Detail);
    }

    [Fact]
    public void A_cut_file_says_it_is_cut_short_without_the_inflaters_message()
    {
        using var dir = new ArtifactTempDir();
        var (gz, _) = Shard(400, textLength: 750);
        var path = dir.File("cut.json.gz");
        File.WriteAllBytes(path, gz[..(gz.Length / 2)]);

        var (issue, _) = Read(path);

        Assert.Equal(DataQualityReasons.Truncated, issue.Reason);
        Assert.Contains($"the gzip data ends before the end of its last member: the file is cut short after {gz.Length / 2:N0} bytes", issue.Detail);
        Assert.DoesNotContain(NetMessage, issue.Detail);
    }
}
