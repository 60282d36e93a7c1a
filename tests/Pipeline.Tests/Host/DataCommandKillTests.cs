using System.Diagnostics;
using System.IO.Compression;
using System.Text.Json;
using Retention.Data.Corpus;
using Retention.Tests.Pipeline;

namespace Retention.Tests.Host;

/// <summary>
/// `data tokenize` and `data sample` killed with SIGKILL (no handler runs) while writing into a folder that holds
/// an earlier complete output: the folder still holds exactly that output, metadata included, and the next run
/// says and removes what the killed one left, then replaces the set whole. The source is a named pipe that
/// delivers part of the corpus and then nothing more, so each command is killed at a known point, not a raced one.
/// </summary>
public class DataCommandKillTests() : InTempFolder("data-kill-")
{
    static readonly TimeSpan Limit = TimeSpan.FromMinutes(2);

    static string Tokenizers => Path.Combine(RepoFiles.PipelinesDirectory, "tokenizers");

    static readonly string[] BytesTokenizer = ["--tokenizer", "bpe", "--tokenizer-path", Path.Combine(Tokenizers, "bytes-vocab.json"),
        "--merges-path", Path.Combine(Tokenizers, "bytes-merges.txt")];

    /// <summary>Dolma lines of real text (the Brown corpus, a few words each) that fit a pipe's buffer (64 KiB) together,
    /// so they can be written into a named pipe before its reader starts.</summary>
    static async Task<string[]> BrownLines(int wordsEach, int count)
    {
        var tarball = await BrownCorpus.FetchAsync(BrownCorpus.DefaultCacheDir);
        var words = BrownCorpus.Documents(tarball).Take(20).SelectMany(d => d.Text.Split((char[])[' ', '\n'], StringSplitOptions.RemoveEmptyEntries));
        var lines = words.Chunk(wordsEach).Take(count).Select((w, i) => JsonSerializer.Serialize(new { id = $"b{i}", text = string.Join(' ', w) })).ToArray();
        Assert.Equal(count, lines.Length);
        Assert.InRange(lines.Sum(l => l.Length + 1), 1, 60_000);
        return lines;
    }

    /// <summary>A named pipe holding <paramref name="lines"/>, kept open for writing (so its reader, having read them,
    /// waits for more) until disposed. Opened for reading and writing, which on Linux does not wait for a reader.</summary>
    FileStream Pipe(string name, IEnumerable<string> lines)
    {
        var path = Path.Combine(dir, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        if (!File.Exists(path))
            using (var mkfifo = Process.Start("mkfifo", [path])) { mkfifo.WaitForExit(); Assert.Equal(0, mkfifo.ExitCode); }
        var pipe = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite, bufferSize: 0);
        var bytes = System.Text.Encoding.UTF8.GetBytes(string.Concat(lines.Select(l => l + "\n")));
        pipe.Write(bytes);
        return pipe;
    }

    /// <summary>Every file under a folder, by relative path, with its bytes (gzip shards decompressed).</summary>
    static Dictionary<string, string> Snapshot(string folder) => Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
        .ToDictionary(f => Path.GetRelativePath(folder, f), f =>
        {
            if (!f.EndsWith(".gz", StringComparison.Ordinal)) return Convert.ToBase64String(File.ReadAllBytes(f));
            using var gzip = new GZipStream(File.OpenRead(f), CompressionMode.Decompress);
            return new StreamReader(gzip).ReadToEnd();
        });

    /// <summary>The folders beside the output (a search pattern "out.*" would match the output itself).</summary>
    string[] Staging(string output) => [.. Directory.EnumerateDirectories(dir).Select(Path.GetFileName).OfType<string>()
        .Where(n => n.StartsWith(output + ".", StringComparison.Ordinal))];

    bool StagedFile(string output, string name) => Staging(output).Any(s => File.Exists(Path.Combine(dir, s, name)));

    [Fact]
    public async Task A_tokenize_killed_before_or_while_writing_leaves_the_earlier_files_and_manifest_and_the_next_run_replaces_them_whole()
    {
        var lines = await BrownLines(wordsEach: 60, count: 150);
        Directory.CreateDirectory(Path.Combine(dir, "in"));
        File.WriteAllLines(Path.Combine(dir, "in", "brown.jsonl"), lines);
        string[] Tokenize(string source, string dtype) => ["data", "tokenize", source, "--out", "tokens", .. BytesTokenizer, "--dtype", dtype, "--tokens-per-file", "2000", "--threads", "1"];
        var first = CliProcess.Run(dir, Limit, Tokenize("in/brown.jsonl", "uint16"));
        Assert.True(first.Exit == 0, first.Err + first.Out);
        File.WriteAllText(Path.Combine(dir, "tokens", "notes.txt"), "the user's");
        var earlier = Snapshot(Path.Combine(dir, "tokens"));
        Assert.True(earlier.Count(p => p.Key.StartsWith("part-", StringComparison.Ordinal)) >= 10);
        Assert.Contains("pretokenized.json", earlier.Keys);

        // Killed before any token file: the earlier metadata was deleted first, before; now nothing changes.
        using (Pipe("pipe/brown.jsonl", []))
        using (var cut = CliProcess.Start(dir, Tokenize("pipe/brown.jsonl", "uint32")))
        {
            cut.WaitUntil(() => Staging("tokens").Length == 1, Limit, "a staging folder");
            cut.KillHard();
        }
        Assert.Equal(earlier, Snapshot(Path.Combine(dir, "tokens")));

        // Killed with some of the new files written: the earlier set (and the user's note) as it was.
        string killedOutput;
        using (Pipe("pipe/brown.jsonl", lines.Take(100)))
        using (var cut = CliProcess.Start(dir, Tokenize("pipe/brown.jsonl", "uint32")))
        {
            cut.WaitUntil(() => StagedFile("tokens", "part-00003.npy"), Limit, "the fourth new token file");
            cut.KillHard();
            killedOutput = cut.Output;
        }
        Assert.Equal(earlier, Snapshot(Path.Combine(dir, "tokens")));
        Assert.Contains("the unfinished output of a command that was stopped", killedOutput);   // the first kill's, removed
        Assert.Single(Staging("tokens"));                                                         // the second's, left

        // A pipeline reading the folder still validates against the manifest of the files that are there.
        File.WriteAllText(Path.Combine(dir, "p.yaml"), string.Join('\n', "name: p", "experiment: data", "data:",
            "  sources: [{paths: ['tokens/*.npy'], format: pretokenized, token_dtype: uint16}]", $"  tokenizer: {TinyCorpus.ByteTokenizerYaml()}") + "\n");
        var validate = CliProcess.Run(dir, Limit, "validate", "p.yaml");
        Assert.True(validate.Exit == 0, validate.Err);

        // The next run removes what the killed one left and replaces the set whole: the same tokens, as uint32.
        var next = CliProcess.Run(dir, Limit, Tokenize("in/brown.jsonl", "uint32"));
        Assert.True(next.Exit == 0, next.Err + next.Out);
        Assert.Contains("the unfinished output of a command that was stopped", next.Out);
        Assert.Empty(Staging("tokens"));
        var replaced = Snapshot(Path.Combine(dir, "tokens"));
        Assert.Equal(earlier.Keys.Order(), replaced.Keys.Order());
        foreach (var part in earlier.Keys.Where(k => k.StartsWith("part-", StringComparison.Ordinal)))
        {
            var wide = Convert.FromBase64String(replaced[part]);
            var narrow = Convert.FromBase64String(earlier[part]);
            Assert.Equal(Enumerable.Range(0, narrow.Length / 2).Select(i => (uint)BitConverter.ToUInt16(narrow, 2 * i)),
                Enumerable.Range(0, wide.Length / 4).Select(i => BitConverter.ToUInt32(wide, 4 * i)));
        }
        Assert.Equal("uint32", JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "tokens", "pretokenized.json"))).RootElement.GetProperty("dtype").GetString());
        Assert.Equal(earlier["notes.txt"], replaced["notes.txt"]);
    }

    [Fact]
    public async Task A_sample_killed_while_writing_leaves_the_earlier_sample_whole_and_the_next_one_holds_no_document_twice()
    {
        var lines = await BrownLines(wordsEach: 4, count: 1150);
        Directory.CreateDirectory(Path.Combine(dir, "in"));
        File.WriteAllLines(Path.Combine(dir, "in", "brown.jsonl"), lines);
        string[] Sample(string source, string seed) => ["data", "sample", source, "--docs", "1100", "--out", "sample", "--docs-per-shard", "100", "--seed", seed];
        var first = CliProcess.Run(dir, Limit, Sample("in/brown.jsonl", "1"));
        Assert.True(first.Exit == 0, first.Err + first.Out);
        var earlier = Snapshot(Path.Combine(dir, "sample"));
        Assert.Equal(12, earlier.Count);   // 11 shards and the provenance

        // The pipe delivers every line but never ends: the first block of 1,000 documents is written, the second waits.
        using (Pipe("pipe/brown.jsonl", lines))
        using (var cut = CliProcess.Start(dir, Sample("pipe/brown.jsonl", "2")))
        {
            cut.WaitUntil(() => StagedFile("sample", "sample-0009.json.gz"), Limit, "the tenth new shard");
            cut.KillHard();
        }
        Assert.Equal(earlier, Snapshot(Path.Combine(dir, "sample")));

        var next = CliProcess.Run(dir, Limit, Sample("in/brown.jsonl", "2"));
        Assert.True(next.Exit == 0, next.Err + next.Out);
        Assert.Contains("the unfinished output of a command that was stopped", next.Out);
        Assert.Empty(Staging("sample"));
        var ids = Snapshot(Path.Combine(dir, "sample")).Where(p => p.Key.EndsWith(".json.gz", StringComparison.Ordinal)).OrderBy(p => p.Key)
            .SelectMany(p => p.Value.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            .Select(l => JsonDocument.Parse(l).RootElement.GetProperty("id").GetString()!).ToList();
        Assert.Equal(1100, ids.Count);
        Assert.Equal(1100, ids.Distinct().Count());
        Assert.Equal(1101, File.ReadAllLines(Path.Combine(dir, "sample", SampleDocuments.ProvenanceFile)).Length);
    }

    [SkippableFact]
    public void A_staging_folder_of_a_live_process_this_one_cannot_see_under_the_same_host_name_is_left_alone()
    {
        // Containers that share the host's name (docker --network host, a pod with hostNetwork) do not share its processes:
        // a command in one cannot tell whether a process of another is alive, as with another machine.
        Skip.IfNot(OperatingSystem.IsLinux() && Environment.UserName == "root", "a pid namespace needs root on Linux");
        TinyCorpus.WriteShard(dir);
        var live = StagingNames.Current.Sibling(Path.Combine(dir, "tokens"), StagingNames.Partial);   // this test's process, alive, writing
        Directory.CreateDirectory(live);
        File.WriteAllText(Path.Combine(live, "part-00000.npy"), "being written");

        using var cli = CliProcess.StartProgram(dir, null, "unshare",
            ["--pid", "--fork", "--mount-proc", CliProcess.DotnetHost, CliProcess.Dll, "data", "tokenize", "shards/a.jsonl", "--out", "tokens", .. BytesTokenizer]);
        var (exit, output, error) = cli.WaitForExit(Limit);
        Skip.If(exit != 0 && error.StartsWith("unshare:", StringComparison.Ordinal), $"no pid namespace here: {error}");
        Assert.True(exit == 0, error + output);
        Assert.Equal("being written", File.ReadAllText(Path.Combine(live, "part-00000.npy")));
        Assert.Contains($"left {live} alone", output);
    }

    [SkippableFact]
    public void Staging_folders_are_named_by_the_full_host_name_so_same_named_nodes_of_two_clusters_do_not_collide()
    {
        // node1.clusterA and node1.clusterB writing one shared file system: a run on one must not take the other's live
        // folder for a killed command's of its own because their names agree up to the first dot.
        Skip.IfNot(OperatingSystem.IsLinux() && Environment.UserName == "root", "a UTS namespace needs root on Linux");
        TinyCorpus.WriteShard(dir);
        var pidns = System.Text.RegularExpressions.Regex.Match(StagingNames.Current.Host, @"\.pidns[0-9]+$").Value;   // a container's, as the command's
        string Leftover(string host) => new StagingNames(host + pidns, int.MaxValue).Sibling(Path.Combine(dir, "tokens"), StagingNames.Partial);
        var mine = Leftover("node1.clusterA");     // this machine's, killed
        var theirs = Leftover("node1.clusterB");   // another machine's: its processes cannot be seen from here
        var earlier = Leftover("node1");           // an earlier version's, which cut names at the first dot: either machine's
        foreach (var leftover in new[] { mine, theirs, earlier }) Directory.CreateDirectory(leftover);

        using var cli = CliProcess.StartProgram(dir, null, "unshare",
            ["--uts", "sh", "-c", "hostname node1.clusterA && exec \"$0\" \"$@\"", CliProcess.DotnetHost, CliProcess.Dll,
             "data", "tokenize", "shards/a.jsonl", "--out", "tokens", .. BytesTokenizer]);
        var (exit, output, error) = cli.WaitForExit(Limit);
        Skip.If(exit != 0 && error.StartsWith("unshare:", StringComparison.Ordinal), $"no UTS namespace here: {error}");
        Assert.True(exit == 0, error + output);
        Assert.Contains($"removed {mine}: the unfinished output of a command that was stopped (process {int.MaxValue} on node1.clusterA{pidns})", output);
        Assert.False(Directory.Exists(mine));
        Assert.Contains($"left {theirs} alone", output);
        Assert.True(Directory.Exists(theirs));
        Assert.Contains($"left {earlier} alone", output);
        Assert.Contains("an earlier version named this machine node1 too", output);
        Assert.True(Directory.Exists(earlier));
    }
}
