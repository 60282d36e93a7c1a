using Retention.Data;
using Retention.Pipeline;
using Retention.Spec;

namespace Retention.Tests.Pipeline;

/// <summary>What a resume compares: the files a run's data paths read, not how the folder is spelt.</summary>
public class DataFingerprintTests() : InTempFolder("fingerprint-")
{
    static readonly DataSpec Data = new()
    {
        Sources = [new DataSourceSpec { Paths = ["shards/*.jsonl"] }],
        Tokenizer = new TokenizerSpec { Kind = "bpe", Path = "tok/vocab.json", MergesPath = "tok/merges.txt" },
    };

    string Project(string name)
    {
        var root = Path.Combine(dir, name);
        TinyCorpus.WriteShard(root);
        Directory.CreateDirectory(Path.Combine(root, "tok"));
        File.WriteAllText(Path.Combine(root, "tok", "vocab.json"), "{}");
        File.WriteAllText(Path.Combine(root, "tok", "merges.txt"), "#version\n");
        return root;
    }

    [Fact]
    public void The_same_files_anywhere_give_the_same_fingerprint_and_other_files_another()
    {
        var a = Project("a");
        var copy = Project("copy");
        var link = Path.Combine(dir, "link");
        Directory.CreateSymbolicLink(link, a);
        Assert.Equal(DataFingerprint.Of(Data, a), DataFingerprint.Of(Data, copy));     // moved or copied
        Assert.Equal(DataFingerprint.Of(Data, a), DataFingerprint.Of(Data, link));     // reached through a symlink

        File.AppendAllText(Path.Combine(copy, "shards", "a.jsonl"), "{\"id\": \"x\", \"text\": \"more\"}\n");
        Assert.NotEqual(DataFingerprint.Of(Data, a), DataFingerprint.Of(Data, copy));  // a shard grew
        File.WriteAllText(Path.Combine(a, "shards", "b.jsonl"), "{\"id\": \"y\", \"text\": \"new\"}\n");
        var before = DataFingerprint.Of(Data, link);
        Assert.NotEqual(before, DataFingerprint.Of(Data with { Sources = [new DataSourceSpec { Paths = ["shards/a.jsonl"] }] }, a));   // another shard list
        File.WriteAllText(Path.Combine(a, "tok", "merges.txt"), "#version\na b\n");
        Assert.NotEqual(before, DataFingerprint.Of(Data, a));                          // another tokenizer file
    }

    [Fact]
    public void The_fingerprint_is_the_hash_earlier_versions_recorded_so_their_runs_still_resume()
    {
        var a = Project("a");
        string Line(string relative) => $"file|{relative}|{new FileInfo(Path.Combine(a, relative)).Length}";
        // As DataFingerprint hashed before it kept the list: one line per shard, then the tokenizer files, joined by newlines.
        var lines = string.Join('\n', Line("shards/a.jsonl"), Line("tok/vocab.json"), Line("tok/merges.txt"));
        var earlier = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(lines)))[..16];
        Assert.Equal(earlier, DataFingerprint.Of(Data, a));
        Assert.Equal(["shards/a.jsonl", "tok/vocab.json", "tok/merges.txt"], DataFingerprint.Files(Data, a).Select(f => f.Name));
    }
}
