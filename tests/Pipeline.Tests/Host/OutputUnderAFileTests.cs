using Retention.Tests.Pipeline;

namespace Retention.Tests.Host;

/// <summary>
/// An output folder under a file (`--out notes.txt/tok`), as `query --output` refuses it: `data tokenize`, `data sample` and
/// `data brown` read the tokenizer and sources first and then failed with .NET's "The file '…/notes.txt' already exists." and
/// exit 1; `advise` said "Could not find a part of the path", naming neither the file nor what to do. Each is refused before any
/// work now, exit 2, naming the file in the way, with nothing written.
/// </summary>
public class OutputUnderAFileTests() : InTempFolder("output-under-file-")
{
    static readonly TimeSpan Limit = TimeSpan.FromMinutes(2);

    static readonly string[] BytesTokenizer = ["--tokenizer", "bpe",
        "--tokenizer-path", Path.Combine(RepoFiles.PipelinesDirectory, "tokenizers", "bytes-vocab.json"),
        "--merges-path", Path.Combine(RepoFiles.PipelinesDirectory, "tokenizers", "bytes-merges.txt")];

    [Fact]
    public void An_output_under_a_file_is_refused_before_any_work_naming_the_file()
    {
        TinyCorpus.WriteShard(dir);
        var notes = Path.Combine(dir, "notes.txt");
        File.WriteAllText(notes, "mine\n");
        File.Copy(Path.Combine(RepoFiles.PipelinesDirectory, "synthetic-capacity.yaml"), Path.Combine(dir, "synthetic-capacity.yaml"));
        // A run directory as far as `probe` looks before reading it: the output is checked first.
        Directory.CreateDirectory(Path.Combine(dir, "runs", "r1"));
        File.WriteAllText(Path.Combine(dir, "runs", "r1", "run.yaml"), "name: r1\n");
        var before = Entries();

        foreach (var (args, option) in new (string[], string)[]
        {
            (["data", "tokenize", "shards/a.jsonl", "--out", "notes.txt/tok", .. BytesTokenizer], "--out"),
            (["data", "sample", "shards/a.jsonl", "--docs", "5", "--out", "notes.txt/tok"], "--out"),
            (["data", "brown", "--out", "notes.txt/tok", "--cache", "cache"], "--out"),
            (["advise", "synthetic-capacity.yaml", "--output", "notes.txt/tok"], "--output"),
            (["probe", "runs/r1", "--output", "notes.txt/tok"], "--output"),
        })
        {
            var (exit, output, err) = CliProcess.Run(dir, Limit, args);
            Assert.True(exit == 2, $"{string.Join(' ', args)}: exit {exit}: {err}");
            Assert.Equal("", output);
            Assert.Equal($"error: {option} notes.txt/tok: '{notes}' is a file where a folder on the output's path goes: " +
                         $"name another {option}, or move the file\n", err);
            Assert.Equal("mine\n", File.ReadAllText(notes));
            Assert.Equal(before, Entries());   // no cache/, no staging folder, no artifacts/advice/
        }
    }

    /// <summary>`probe --output FILE` went on to read the run and failed making the lock's folder, as .NET's "The file '…'
    /// already exists." and exit 1; `advise --output FILE` was refused by name already. Both are refused before any work.</summary>
    [Fact]
    public void An_output_that_is_a_file_is_refused_before_any_work_naming_it()
    {
        var notes = Path.Combine(dir, "notes.txt");
        File.WriteAllText(notes, "mine\n");
        Directory.CreateDirectory(Path.Combine(dir, "runs", "r1"));
        File.WriteAllText(Path.Combine(dir, "runs", "r1", "run.yaml"), "name: r1\n");
        var before = Entries();

        var (exit, output, err) = CliProcess.Run(dir, Limit, "probe", "runs/r1", "--output", "notes.txt");
        Assert.True(exit == 2, $"exit {exit}: {err}");
        Assert.Equal("", output);
        Assert.Equal("error: --output notes.txt: is a file; --output takes a folder for the scan's tables (das.arrow, fourier.arrow)\n", err);
        Assert.Equal("mine\n", File.ReadAllText(notes));
        Assert.Equal(before, Entries());
    }

    List<string> Entries() => [.. Directory.EnumerateFileSystemEntries(dir, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal)];
}
