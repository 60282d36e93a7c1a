namespace Retention.Tests.Host;

/// <summary>A path given as "" (`pipeline query "$SWEEP" ...` with the variable not set) reached .NET: `query`, `analyze`,
/// `status` and `validate --data-dir` said "The value cannot be an empty string." with exit 1 (not the exit 2 of a missing
/// directory), `validate ""` ": cannot read the file", and `run --artifacts ""` trained into the current folder. Each is a
/// usage error now, exit 2, naming what is empty and what to give, with nothing written.</summary>
public class EmptyPathArgumentsTests() : InTempFolder("empty-path-")
{
    static readonly TimeSpan Limit = TimeSpan.FromMinutes(2);

    [Fact]
    public void An_empty_path_is_a_usage_error_naming_it_and_nothing_is_written()
    {
        foreach (var (args, expected) in new (string[], string)[]
        {
            (["query", "", "SELECT 1"], "DIR is an empty string (a shell variable not set?): give a sweep directory (artifacts/NAME[-PROFILE]), a folder of sweeps, or one run directory"),
            (["analyze", ""], "SWEEP_DIR is an empty string (a shell variable not set?): give a sweep directory (artifacts/NAME[-PROFILE])"),
            (["status", ""], "SWEEP_DIR is an empty string (a shell variable not set?): give a sweep directory (artifacts/NAME[-PROFILE])"),
            (["analyze", "s", "--pipeline", ""], "--pipeline is an empty string (a shell variable not set?): give a pipeline file, or leave --pipeline out for the sweep's own pipeline.yaml"),
            (["validate", ""], "FILE is an empty string (a shell variable not set?): give a pipeline file, or leave FILE out for the embedded default"),
            (["validate", "--data-dir", ""], "--data-dir is an empty string (a shell variable not set?): give a folder, or leave --data-dir out for the pipeline file's own"),
            (["run", "--artifacts", "", "--set", "train.steps=1"], "--artifacts is an empty string (a shell variable not set?): give a folder, or leave --artifacts out for artifacts/"),
        })
        {
            var (exit, output, err) = CliProcess.Run(dir, Limit, args);
            Assert.True(exit == 2, $"{string.Join(' ', args)}: exit {exit}: {err}");
            Assert.Equal("", output);
            Assert.Equal($"error: {expected}\nsee `pipeline {args[0]} --help`\n", err);
        }
        Assert.Empty(Directory.EnumerateFileSystemEntries(dir));   // run --artifacts "" wrote synthetic-capacity-cpu/ here
    }

    /// <summary>The commands that write outputs of their own: `data tokenize`/`data sample` --out "" said .NET's "The value cannot
    /// be an empty string." (exit 2), their SOURCES "" "source 'default'.paths: needs at least one non-empty path" (exit 1),
    /// `advise --output ""` .NET's words; `probe` read the run first.</summary>
    [Fact]
    public void An_empty_output_or_source_of_the_writing_commands_is_a_usage_error_naming_it()
    {
        foreach (var (args, help, expected) in new (string[], string, string)[]
        {
            (["data", "tokenize", "", "--out", "t"], "data tokenize", "SOURCES is an empty string (a shell variable not set?): give Dolma shards: files, globs, folders, http(s) URLs or a .txt list of them"),
            (["data", "tokenize", "s.jsonl", "--out", ""], "data tokenize", "--out is an empty string (a shell variable not set?): give a folder for the token files"),
            (["data", "sample", "", "--docs", "1", "--out", "s"], "data sample", "SOURCES is an empty string (a shell variable not set?): give a URL list (.txt), URLs, files or globs"),
            (["data", "sample", "s.jsonl", "--docs", "1", "--out", ""], "data sample", "--out is an empty string (a shell variable not set?): give a folder for the sample's shards"),
            (["data", "brown", "--out", ""], "data brown", "--out is an empty string (a shell variable not set?): give a folder for the shards, or leave --out out for data/brown"),
            (["advise", ""], "advise", "INPUTS is an empty string (a shell variable not set?): give a synthetic pipeline file, or OLMo sweep directories (artifacts/NAME[-PROFILE])"),
            (["advise", "p.yaml", "--output", ""], "advise", "--output is an empty string (a shell variable not set?): give a folder for the advice, or leave --output out for the default one"),
            (["probe", ""], "probe", "RUN is an empty string (a shell variable not set?): give an OLMo run's directory (SWEEP/runs/RUN)"),
            (["probe", "r", "--output", ""], "probe", "--output is an empty string (a shell variable not set?): give a folder for the scan's tables, or leave --output out for RUN/scans/TIME"),
            (["probe", "r", "--data-dir", ""], "probe", "--data-dir is an empty string (a shell variable not set?): give the folder the run's relative tokenizer path resolves against, or leave --data-dir out"),
        })
        {
            var (exit, output, err) = CliProcess.Run(dir, Limit, args);
            Assert.True(exit == 2, $"{string.Join(' ', args)}: exit {exit}: {err}");
            Assert.Equal("", output);
            Assert.Equal($"error: {expected}\nsee `pipeline {help} --help`\n", err);
        }
        Assert.Empty(Directory.EnumerateFileSystemEntries(dir));
    }
}
