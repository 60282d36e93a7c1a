using Retention.Tests.Data;
using Retention.Tests.Pipeline;

namespace Retention.Tests.Host;

/// <summary>
/// A data command that fails writing into a folder that did not exist says so: "OUT was not created". It said "OUT was left
/// as it was", which to a user running a command for the first time reads as though an earlier set were there.
/// </summary>
public class DataOutputNotCreatedTests() : InTempFolder("data-not-created-")
{
    static readonly TimeSpan Limit = TimeSpan.FromMinutes(2);

    static readonly string[] BytesTokenizer = ["--tokenizer", "bpe",
        "--tokenizer-path", Path.Combine(RepoFiles.PipelinesDirectory, "tokenizers", "bytes-vocab.json"),
        "--merges-path", Path.Combine(RepoFiles.PipelinesDirectory, "tokenizers", "bytes-merges.txt")];

    static string[] Args(string command, params string[] sources) => command == "tokenize"
        ? ["data", "tokenize", .. sources, "--out", "../out", .. BytesTokenizer]
        : ["data", "sample", .. sources, "--docs", "1000", "--out", "../out"];

    [Theory(Timeout = 180_000)]
    [InlineData("tokenize")]
    [InlineData("sample")]
    public async Task A_source_refused_mid_way_says_the_new_folder_was_not_created(string command)
    {
        TinyCorpus.WriteShard(dir);
        var work = Directory.CreateDirectory(Path.Combine(dir, "work")).FullName;
        await using var server = new LoopbackHttpServer(new Dictionary<string, byte[]>(), _ => new HttpReply.Status(403));

        var (exit, stdout, err) = await Task.Run(() => CliProcess.Run(work, Limit, Args(command, "../shards/a.jsonl", server.Url("b.json.gz"))));

        Assert.True(exit == 1, err + stdout);
        Assert.EndsWith($"; {Path.Combine(dir, "out")} was not created (the new set is written beside it and swapped in only once complete)", err.TrimEnd());
        Assert.DoesNotContain("left as it was", err);
        Assert.Equal(["shards", "work"], Directory.EnumerateFileSystemEntries(dir).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("tokenize")]
    [InlineData("sample")]
    public void Sources_with_no_document_say_the_new_folder_was_not_created(string command)
    {
        var work = Directory.CreateDirectory(Path.Combine(dir, "work")).FullName;
        File.WriteAllLines(Path.Combine(dir, "bad.jsonl"), ["not json"]);

        var (exit, stdout, err) = CliProcess.Run(work, Limit, Args(command, "../bad.jsonl"));

        Assert.True(exit == 1, err + stdout);
        Assert.Contains($": {Path.Combine(dir, "out")} was not created; check the sources", err);
        Assert.False(Path.Exists(Path.Combine(dir, "out")));
    }
}
