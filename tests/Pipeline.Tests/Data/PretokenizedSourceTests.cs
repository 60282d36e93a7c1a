using System.Buffers.Binary;
using System.Collections.Immutable;
using System.Text;
using Retention.Data;
using Retention.Tests.Artifacts;

namespace Retention.Tests.Data;

public class PretokenizedSourceTests
{
    private const int Eos = 50279;

    /// <summary>Token ids as np.memmap(dtype=uint16/uint32) writes them: little-endian, no header.</summary>
    private static byte[] Raw(IEnumerable<int> tokens, TokenDtype dtype)
    {
        var list = tokens.ToList();
        var bytes = new byte[list.Count * (int)dtype];
        for (var i = 0; i < list.Count; i++)
        {
            if (dtype == TokenDtype.UInt16) BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(2 * i), (ushort)list[i]);
            else BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(4 * i), (uint)list[i]);
        }
        return bytes;
    }

    /// <summary>Documents of seeded lengths, each ending with EOS.</summary>
    private static List<int[]> Documents(int count, int seed, int maxToken)
    {
        var rng = new Random(seed);
        return [.. Enumerable.Range(0, count).Select(_ =>
            Enumerable.Range(0, rng.Next(1, 40)).Select(_ => rng.Next(maxToken)).Append(Eos).ToArray())];
    }

    private static PretokenizedSource Source(IEnumerable<string> files, TokenDtype dtype, DataQualityLog log, ShardReader? reader = null) =>
        new(ShardList.Expand(files, "/", PretokenizedSource.IsTokenFileName), dtype, log, reader: reader);

    [Theory]
    [InlineData(TokenDtype.UInt16, 50000)]
    [InlineData(TokenDtype.UInt32, 100_000_000)]
    public void Tokens_and_documents_read_back_exactly_and_resume_from_any_document(TokenDtype dtype, int maxToken)
    {
        using var dir = new ArtifactTempDir();
        var a = Documents(30, 1, maxToken);
        var b = Documents(20, 2, maxToken);
        File.WriteAllBytes(dir.File("part-0.npy"), Raw(a.SelectMany(d => d), dtype));
        File.WriteAllBytes(dir.File("part-1.npy"), Raw(b.SelectMany(d => d), dtype));
        var files = new[] { dir.File("part-0.npy"), dir.File("part-1.npy") };
        var log = new DataQualityLog();
        var source = Source(files, dtype, log);

        var chunks = source.ReadTokens(chunkTokens: 64).ToList();
        Assert.Equal(a.Concat(b).SelectMany(d => d), chunks.SelectMany(c => c.Tokens));
        Assert.All(chunks, c => Assert.InRange(c.Tokens.Length, 1, 64));
        Assert.Equal(new PretokenizedCursor(2, 0), chunks[^1].After);

        var docs = source.ReadDocuments(Eos, chunkTokens: 64).ToList();
        Assert.Equal(a.Concat(b).Select(d => d.ToImmutableArray()), docs.Select(d => d.Tokens), new TokensComparer());
        Assert.Equal(1, docs[30].FileIndex);
        Assert.Equal(0, docs[30].Offset);

        for (var k = 0; k < docs.Count; k++)
        {
            var rest = source.ReadDocuments(Eos, docs[k].After, chunkTokens: 16).ToList();
            Assert.Equal(docs.Skip(k + 1).Select(d => d.Tokens), rest.Select(d => d.Tokens), new TokensComparer());
        }
        Assert.Equal(0, log.Total);
    }

    [Fact]
    public void A_real_npy_header_is_skipped_and_must_agree_with_the_dtype()
    {
        using var dir = new ArtifactTempDir();
        var tokens = Enumerable.Range(0, 100).Select(i => i * 7).ToArray();
        var bytes = NpyBytes.Of("<u2", 100, Raw(tokens, TokenDtype.UInt16));
        File.WriteAllBytes(dir.File("t.npy"), bytes);

        var read = Source([dir.File("t.npy")], TokenDtype.UInt16, new DataQualityLog()).ReadTokens(chunkTokens: 30).SelectMany(c => c.Tokens);
        Assert.Equal(tokens, read);
        var resumed = Source([dir.File("t.npy")], TokenDtype.UInt16, new DataQualityLog()).ReadTokens(new PretokenizedCursor(0, 95));
        Assert.Equal(tokens[95..], resumed.SelectMany(c => c.Tokens));
        var e = Assert.Throws<DataException>(() =>
            Source([dir.File("t.npy")], TokenDtype.UInt32, new DataQualityLog()).ReadTokens().ToList());
        // In numpy's words, as the header and token_dtype spell them; .NET's enum names (UInt16) are no numpy user's.
        Assert.EndsWith("the .npy header's dtype is '<u2' (uint16), the source is configured as uint32: set the source's token_dtype: uint16", e.Message);
        Assert.DoesNotContain("UInt", e.Message);
    }

    /// <summary>A version-2 header whose length field reads 4 GiB (damage): allocating it ended validate and the run with an
    /// out-of-memory stack trace; the file is said to be damaged, by name.</summary>
    [Fact]
    public void A_npy_header_length_of_gigabytes_is_said_as_a_damaged_file_not_allocated()
    {
        var bytes = new byte[] { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 2, 0, 0xFF, 0xFF, 0xFF, 0xFF, 0, 0 };
        var e = Assert.Throws<DataException>(() => NpyHeader.Read("x.npy", offset => new MemoryStream(bytes[(int)offset..])));
        Assert.Equal("x.npy: the .npy header says it is 4,294,967,295 bytes long (numpy writes a few hundred): the file is damaged", e.Message);
    }

    [Fact]
    public void A_partial_token_at_the_end_is_recorded_once()
    {
        using var dir = new ArtifactTempDir();
        File.WriteAllBytes(dir.File("odd.bin"), Raw([1, 2, 3, Eos], TokenDtype.UInt16).Append((byte)9).ToArray());
        var log = new DataQualityLog();
        var tokens = Source([dir.File("odd.bin")], TokenDtype.UInt16, log).ReadTokens().SelectMany(c => c.Tokens).ToList();
        Assert.Equal([1, 2, 3, Eos], tokens);
        var issue = Assert.Single(log.Issues);
        Assert.Equal((DataQualityReasons.TruncatedTokens, 4L), (issue.Reason, issue.Line));
        // In numpy's words, as token_dtype spells it, not .NET's enum name (UInt16).
        Assert.Equal("1 byte after the last whole uint16 token; ignored", issue.Detail);
    }

    [Fact(Timeout = 60_000)]
    public async Task Token_files_stream_over_flaky_http_and_resume_by_byte_offset()
    {
        var docs = Documents(3000, 5, 50000);
        var flat = docs.SelectMany(d => d).ToArray();
        await using var server = new LoopbackHttpServer(new Dictionary<string, byte[]> { ["tokens.npy"] = Raw(flat, TokenDtype.UInt16) },
            r => new HttpReply.Serve(DropAfter: 20_000, Reset: r.Number % 2 == 0));
        using var http = ResumableHttpStream.CreateClient();
        var reader = new ShardReader(http, new HttpRetryPolicy { InitialDelay = TimeSpan.FromMilliseconds(5), MaxDelay = TimeSpan.FromMilliseconds(20) });
        var source = Source([server.Url("tokens.npy")], TokenDtype.UInt16, new DataQualityLog(), reader);

        var (all, rest) = await Task.Run(() => (
            source.ReadTokens(chunkTokens: 4096).SelectMany(c => c.Tokens).ToList(),
            source.ReadTokens(new PretokenizedCursor(0, 30_001)).SelectMany(c => c.Tokens).ToList()));

        Assert.Equal(flat, all);
        Assert.Equal(flat[30_001..], rest);
        Assert.Contains(server.Requests, r => r.RangeStart == 30_001 * 2);
    }

    private sealed class TokensComparer : IEqualityComparer<ImmutableArray<int>>
    {
        public bool Equals(ImmutableArray<int> x, ImmutableArray<int> y) => x.AsSpan().SequenceEqual(y.AsSpan());
        public int GetHashCode(ImmutableArray<int> obj) => obj.Length;
    }
}
