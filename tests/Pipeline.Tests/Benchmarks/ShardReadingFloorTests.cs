using System.IO.Compression;
using System.Text;
using Retention.Benchmarks;

namespace Retention.Tests.Benchmarks;

/// <summary>`bench data`'s shard reading alone: the decompressed bytes every pass reads, whatever the compression, and the
/// ceiling it sets on a stream that must also read them.</summary>
public sealed class ShardReadingFloorTests() : InTempFolder("reading-floor-")
{
    static byte[] Lines(int count) =>
        Encoding.UTF8.GetBytes(string.Concat(Enumerable.Range(0, count).Select(i => $"{{\"id\":\"d{i}\",\"text\":\"word {i} of a line\"}}\n")));

    static void WriteGzip(string path, byte[] content)
    {
        using var file = File.Create(path);
        using var gzip = new GZipStream(file, CompressionLevel.Optimal);
        gzip.Write(content);
    }

    [Fact]
    public void Every_pass_reads_each_shards_decompressed_bytes()
    {
        byte[] plain = Lines(300), packed = Lines(500);
        File.WriteAllBytes(Path.Combine(dir, "a.jsonl"), plain);
        WriteGzip(Path.Combine(dir, "b.json.gz"), packed);
        Assert.True(new FileInfo(Path.Combine(dir, "b.json.gz")).Length < packed.Length / 2);   // it is compressed

        var reading = ShardReadingFloor.Measure(["*.jsonl", "*.json.gz"], dir, epochs: 3, CancellationToken.None);

        Assert.Equal(3L * (plain.Length + packed.Length), reading.Bytes);
        Assert.InRange(reading.CpuSeconds, 0, reading.Seconds * Environment.ProcessorCount + 0.025);
    }

    [Fact]
    public void A_truncated_shard_counts_what_it_held_before_the_cut_and_the_others_whole()
    {
        var content = Lines(2000);
        var gz = Path.Combine(dir, "cut.json.gz");
        WriteGzip(gz, content);
        var whole = File.ReadAllBytes(gz);
        File.WriteAllBytes(gz, whole[..(whole.Length / 2)]);
        var other = Lines(10);
        File.WriteAllBytes(Path.Combine(dir, "z.jsonl"), other);

        var reading = ShardReadingFloor.Measure(["cut.json.gz", "z.jsonl"], dir, epochs: 1, CancellationToken.None);

        // Half the compressed bytes hold some of the lines, never all of them, and never more than the original.
        Assert.InRange(reading.Bytes, other.Length + 1, other.Length + content.Length - 1);
    }

    [Theory]
    // A stream that spends the tokenizer's 1.0 CPU s and the reading's 0.25 moves at most 1 / 1.25 of its tokens per CPU second.
    [InlineData(1.0, 0.25, 0.8)]
    [InlineData(1.12, 0.14, 1.12 / 1.26)]
    [InlineData(2.0, 0.0, 1.0)]
    public void The_ceiling_is_the_tokenizers_share_of_both(double tokenizer, double reading, double expected) =>
        Assert.Equal(expected, ShardReadingFloor.Ceiling(tokenizer, reading), 12);
}
