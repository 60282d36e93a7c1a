using Retention.Data;
using Retention.Data.Corpus;
using Retention.Tests.Pipeline;

namespace Retention.Tests.Host;

/// <summary>scripts/data-figures.sh takes issue 13's data-path figures on the lent GPU machine's 16 cores, whose minutes are
/// few: its rehearsal runs it here on a small Brown-format corpus and checks what the device would return, flat in $OUT.</summary>
public sealed class DataFiguresScriptTests() : InTempFolder("data-figures-")
{
    [Fact]
    public async Task Both_parsing_modes_are_measured_and_their_records_come_back_flat()
    {
        string repo = Path.GetDirectoryName(RepoFiles.PipelinesDirectory)!, tree = Path.Combine(dir, "tree"), output = Path.Combine(dir, "out");
        Directory.CreateDirectory(Path.Combine(tree, "scripts"));
        File.Copy(Path.Combine(repo, "scripts", "data-figures.sh"), Path.Combine(tree, "scripts", "data-figures.sh"));
        var words = "the jury said that no evidence had been found in the city of atlanta".Split(' ');
        var rng = new Random(5);
        await DolmaShards.WriteAsync(Enumerable.Range(0, 400).Select(d => new
        {
            id = $"b{d}", text = string.Join(' ', Enumerable.Range(0, 200).Select(_ => words[rng.Next(words.Length)])),
        }), Path.Combine(tree, "data", "brown"), "brown", 100);

        using var script = CliProcess.StartProgram(Path.GetTempPath(), new Dictionary<string, string?>
        {
            ["PIPELINE"] = CliProcess.CommandLine, ["EPOCHS"] = "1", ["OUT"] = output, ["ARTIFACTS"] = Path.Combine(dir, "artifacts"),
        }, "bash", Path.Combine(tree, "scripts", "data-figures.sh"));
        var (exit, log, err) = script.WaitForExit(TimeSpan.FromMinutes(4));
        Assert.True(exit == 0, log + err);

        Assert.Equal(["data-ahead-0.arrow", "data-ahead-default.arrow", "data-figures.log"],
            Directory.GetFileSystemEntries(output).Select(Path.GetFileName).Order());
        Assert.Contains("the stream parses lines on its reading thread (--parse-ahead 0)", log);
        Assert.Contains(ShardSequence.DefaultParseAhead == 0 ? "the stream parses lines on its reading thread"
            : $"the stream parses up to {ShardSequence.DefaultParseAhead} lines ahead", log[log.IndexOf("== parse ahead: default", StringComparison.Ordinal)..]);
        foreach (var record in new[] { "data-ahead-0.arrow", "data-ahead-default.arrow" })
        {
            var rows = ArrowRows.Read(Path.Combine(output, record));
            Assert.Equal(["library tokenizer", "pretokenized", "raw tokenizer", "reading", "text"], rows.Select(r => (string)r["path"]!).Distinct().Order());
            Assert.All(rows.Where(r => (string)r["path"]! != "pretokenized"), r => Assert.Contains((int)r["threads"]!, new[] { 4, Environment.ProcessorCount }));
        }
    }
}
