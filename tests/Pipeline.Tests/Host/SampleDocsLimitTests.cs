using Retention.Tests.Pipeline;

namespace Retention.Tests.Host;

/// <summary>
/// `data sample --docs` above what a sample takes (2^31 - 1 documents) is refused, saying the limit, before anything is
/// written. It was taken silently as 2,147,483,647: a user who asked for more got fewer documents, with no word of it
/// once the sources held more than that.
/// </summary>
public class SampleDocsLimitTests() : InTempFolder("sample-docs-limit-")
{
    [Theory]
    [InlineData("2147483648")]    // 2^31: one past the limit
    [InlineData("3000000000")]
    public void Docs_above_the_limit_are_refused_with_the_limit_and_nothing_is_written(string docs)
    {
        TinyCorpus.WriteShard(dir);   // a real source: the command would otherwise go ahead and sample it
        var (exit, output, err) = CliProcess.Run(dir, TimeSpan.FromMinutes(2), "data", "sample", "shards/a.jsonl", "--docs", docs, "--out", "s");
        Assert.True(exit == 2, output + err);
        Assert.Contains($"--docs {long.Parse(docs):N0} is more than `data sample` takes: at most 2,147,483,647 (2^31 - 1) documents", err);
        Assert.False(Path.Exists(Path.Combine(dir, "s")));
    }

    [Fact]
    public void Docs_at_the_limit_are_taken_and_the_shortfall_said()
    {
        TinyCorpus.WriteShard(dir);   // 200 documents
        var (exit, output, err) = CliProcess.Run(dir, TimeSpan.FromMinutes(2), "data", "sample", "shards/a.jsonl", "--docs", "2147483647", "--out", "s");
        Assert.True(exit == 0, output + err);
        Assert.Contains("200 documents in 1 shard in s", output);
        Assert.Contains("fewer than --docs 2,147,483,647", err);
    }
}
