using Retention.Artifacts;

namespace Retention.Tests.Host;

/// <summary>A folder given to `pipeline query` with a trailing slash, as a shell's completion writes it: a run's directory
/// (or artifacts/bench, read as one) names its rows by its folder, and `seed-1/` named them "" (README: the run column of
/// `query artifacts/bench` is always `bench`).</summary>
public sealed class QueryTrailingSlashTests() : InTempFolder("query-trailing-slash-")
{
    static readonly TimeSpan Limit = TimeSpan.FromMinutes(2);

    [Theory]
    [InlineData("seed-1/")]
    [InlineData("seed-1")]
    public async Task A_run_directory_given_with_a_trailing_slash_keeps_its_name(string given)
    {
        Directory.CreateDirectory(Path.Combine(dir, "seed-1"));
        await ArrowFiles.WriteTableAsync(Path.Combine(dir, "seed-1", "train.arrow"), new RecordBatchBuilder<int>().Int32("step", v => v), [1, 2]);
        var (exit, output, err) = CliProcess.Run(dir, Limit, "query", given, "SELECT DISTINCT run FROM train", "--output", "runs.csv");
        Assert.True(exit == 0, err + output);
        Assert.Equal(["run", "seed-1"], File.ReadAllLines(Path.Combine(dir, "runs.csv")));
    }
}
