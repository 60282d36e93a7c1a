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
}
