using System.IO.Compression;
using Retention.Tests.Pipeline;

namespace Retention.Tests.Host;

/// <summary>
/// Where a data command must not replace its output folder, it says why and leaves the earlier one as it was: a folder the
/// shell stands in (the swap would rename it away from under it), or sources that yield no document (an empty set would
/// replace a good one).
/// </summary>
public class DataOutputKeptTests() : InTempFolder("data-kept-")
{
    static readonly TimeSpan Limit = TimeSpan.FromMinutes(2);

    static readonly string[] BytesTokenizer = ["--tokenizer", "bpe",
        "--tokenizer-path", Path.Combine(RepoFiles.PipelinesDirectory, "tokenizers", "bytes-vocab.json"),
        "--merges-path", Path.Combine(RepoFiles.PipelinesDirectory, "tokenizers", "bytes-merges.txt")];

    /// <summary>Every file under a folder, by relative path, with its bytes (gzip shards decompressed).</summary>
    static Dictionary<string, string> Snapshot(string folder) => Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
        .ToDictionary(f => Path.GetRelativePath(folder, f), f =>
        {
            if (!f.EndsWith(".gz", StringComparison.Ordinal)) return Convert.ToBase64String(File.ReadAllBytes(f));
            using var gzip = new GZipStream(File.OpenRead(f), CompressionMode.Decompress);
            return new StreamReader(gzip).ReadToEnd();
        });

    /// <summary>What lies beside <paramref name="folder"/> under its name (staging folders).</summary>
    static string[] Beside(string folder) => [.. Directory.EnumerateFileSystemEntries(Path.GetDirectoryName(folder)!)
        .Select(Path.GetFileName).OfType<string>().Where(n => n.StartsWith(Path.GetFileName(folder) + ".", StringComparison.Ordinal))];

    [Theory]
    [InlineData("work", "tokenize", ".", "is")]
    [InlineData("work", "tokenize", "../work/", "is")]
    [InlineData("work", "tokenize", "{dir}/work", "is")]
    [InlineData("work", "tokenize", "{dir}/links/to-work", "is")]      // through a link to it
    [InlineData("work", "tokenize", "{dir}/links/to-dir/work", "is")]  // through a link on the way
    [InlineData("work/sub", "tokenize", "..", "holds")]              // a folder that holds the current one
    [InlineData("work/sub", "tokenize", "{dir}", "holds")]
    [InlineData("work", "sample", ".", "is")]
    public void An_output_folder_the_command_runs_in_is_refused_before_any_work(string cwd, string command, string output, string verb)
    {
        var work = Directory.CreateDirectory(Path.Combine(dir, "work")).FullName;
        var here = Directory.CreateDirectory(Path.Combine(dir, cwd)).FullName;
        Directory.CreateDirectory(Path.Combine(dir, "links"));
        Directory.CreateSymbolicLink(Path.Combine(dir, "links", "to-work"), work);
        Directory.CreateSymbolicLink(Path.Combine(dir, "links", "to-dir"), "../");
        TinyCorpus.WriteShard(work);
        File.WriteAllText(Path.Combine(work, "notes.txt"), "the user's");
        var earlier = Snapshot(work);
        var source = Path.GetRelativePath(here, Path.Combine(work, "shards", "a.jsonl"));
        output = output.Replace("{dir}", dir);
        string[] args = command == "tokenize"
            ? ["data", "tokenize", source, "--out", output, .. BytesTokenizer]
            : ["data", "sample", source, "--docs", "10", "--out", output];

        var (exit, stdout, err) = CliProcess.Run(here, Limit, args);
        Assert.True(exit == 2, err + stdout);
        Assert.Contains($"error: --out {output} {verb} the current folder ({here})", err);
        Assert.Contains("run the command from another folder", err);
        Assert.DoesNotContain("   at ", err);
        Assert.Equal(earlier, Snapshot(work));   // nothing written, renamed or removed
        Assert.Empty(Beside(work));
        Assert.Empty(Beside(dir));
    }

    [Theory]
    [InlineData("tokenize")]
    [InlineData("sample")]
    public void Sources_that_yield_no_document_leave_the_earlier_output_as_it_was(string command)
    {
        TinyCorpus.WriteShard(dir);
        Directory.CreateDirectory(Path.Combine(dir, "bad"));
        File.WriteAllLines(Path.Combine(dir, "bad", "b.jsonl"), ["not json", "{\"id\": \"x\"}"]);   // every line bad
        string[] Args(string source) => command == "tokenize"
            ? ["data", "tokenize", source, "--out", "out", .. BytesTokenizer]
            : ["data", "sample", source, "--docs", "10", "--out", "out"];
        var first = CliProcess.Run(dir, Limit, Args("shards/a.jsonl"));
        Assert.True(first.Exit == 0, first.Err + first.Out);
        var earlier = Snapshot(Path.Combine(dir, "out"));

        var (exit, stdout, err) = CliProcess.Run(dir, Limit, Args("bad/b.jsonl"));
        Assert.True(exit == 1, err + stdout);
        Assert.Contains("error: the sources yielded no document (2 data-quality issues; the first: ", err);
        Assert.Contains("bad/b.jsonl:1", err);
        Assert.Contains($"{Path.Combine(dir, "out")} was left as it was", err);
        Assert.DoesNotContain("   at ", err);
        Assert.Equal(earlier, Snapshot(Path.Combine(dir, "out")));
        Assert.Empty(Beside(Path.Combine(dir, "out")));
    }

    /// <summary>A source that fails mid-way (here a shard the server refuses, HTTP 403, after a local shard was read and
    /// partly written) ends the command; the error says the output folder was left as it was, and it was.</summary>
    [Theory]
    [InlineData("tokenize")]
    [InlineData("sample")]
    public async Task A_source_that_fails_mid_way_leaves_the_earlier_output_as_it_was_and_says_so(string command)
    {
        TinyCorpus.WriteShard(dir);
        await using var server = new Retention.Tests.Data.LoopbackHttpServer(new Dictionary<string, byte[]>(),
            _ => new Retention.Tests.Data.HttpReply.Status(403));
        var refused = server.Url("b.json.gz");
        string[] Args(params string[] sources) => command == "tokenize"
            ? ["data", "tokenize", .. sources, "--out", "out", "--tokens-per-file", "100", .. BytesTokenizer]
            : ["data", "sample", .. sources, "--docs", "1000", "--docs-per-shard", "3", "--out", "out", "--seed", "1"];
        var first = CliProcess.Run(dir, Limit, Args("shards/a.jsonl"));
        Assert.True(first.Exit == 0, first.Err + first.Out);
        File.WriteAllText(Path.Combine(dir, "out", "notes.txt"), "the user's");
        var earlier = Snapshot(Path.Combine(dir, "out"));

        var (exit, stdout, err) = await Task.Run(() => CliProcess.Run(dir, Limit, Args("shards/a.jsonl", refused)));

        Assert.True(exit == 1, err + stdout);
        Assert.Contains($"error: {refused}: HTTP 403 Scripted at byte 0: the server refused access.", err);
        Assert.EndsWith($"; {Path.Combine(dir, "out")} was left as it was (the new set is written beside it and swapped in only once complete)",
            err.TrimEnd());
        Assert.DoesNotContain("   at ", err);
        Assert.Equal(earlier, Snapshot(Path.Combine(dir, "out")));
        Assert.Empty(Beside(Path.Combine(dir, "out")));   // the unfinished set removed
        Assert.Single(server.Requests);
    }
}
