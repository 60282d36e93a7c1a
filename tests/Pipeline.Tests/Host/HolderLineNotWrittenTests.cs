using Retention.Artifacts;
using Retention.Tests.Artifacts;
using Retention.Tests.Pipeline;

namespace Retention.Tests.Host;

/// <summary>
/// A process holds the sweep's lock but its holder line (.lock.owner) is not there to read: it took the lock and has not
/// written the line yet (stopped between the two, or a full disk left the file empty, which Acquire lets pass). A query
/// naming an analysis table the sweep has not written says so, through the CLI, rather than naming a holder it cannot.
/// </summary>
public sealed class HolderLineNotWrittenTests() : InTempFolder("holder-line-")
{
    static readonly TimeSpan Limit = TimeSpan.FromMinutes(2);

    sealed record Metric(long Step, double Loss);
    static readonly RecordBatchBuilder<Metric> Metrics = new RecordBatchBuilder<Metric>().Int64("step", m => m.Step).Float64("loss", m => m.Loss);

    /// <summary>A sweep whose pipeline.yaml declares the analysis table floor_gap, with one run's metrics and no analysis/.</summary>
    async Task<string> Sweep()
    {
        var sweep = Path.Combine(dir, "artifacts", "s");
        await ArrowFiles.WriteTableAsync(Path.Combine(sweep, "runs", "a", "metrics.arrow"), Metrics, [new(0, 1.0), new(10, 0.5)]);
        File.Copy(RepoFiles.Pipeline("synthetic-capacity.yaml"), Path.Combine(sweep, "pipeline.yaml"));
        return sweep;
    }

    /// <summary>The sweep's lock taken as <see cref="SweepLock.Acquire"/> takes it (an exclusive OS lock on .lock), before its line.</summary>
    static FileStream Lock(string sweep) =>
        new(Path.Combine(sweep, SweepLock.FileName), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);

    [Theory]
    [InlineData(false)]   // the first holder of the sweep: no .lock.owner yet
    [InlineData(true)]    // .lock.owner there but empty
    public async Task A_query_of_an_unwritten_analysis_table_says_a_process_has_just_taken_the_sweep(bool emptyFile)
    {
        var sweep = await Sweep();
        var owner = Path.Combine(sweep, SweepLock.FileName + ".owner");
        using (Lock(sweep))
        {
            if (emptyFile) File.WriteAllText(owner, "");
            Assert.True(SweepLock.IsHeld(sweep));
            var (exit, stdout, err) = CliProcess.Run(dir, Limit, "query", "artifacts/s", "SELECT * FROM floor_gap");
            Assert.True(exit == 2, stdout + err);
            Assert.Equal("", stdout);
            Assert.StartsWith("error: query: Catalog Error: Table with name floor_gap does not exist!", err);
            Assert.Equal("note: table 'floor_gap' is one the sweep's analysis writes (analysis.tables in its pipeline.yaml), and it has not " +
                "written it yet: a pipeline process has just taken the sweep (its lock's holder line is not written yet): query it again " +
                $"in a moment (`pipeline status {sweep}` shows how far the runs are)",
                err.Split('\n').Single(l => l.StartsWith("note:", StringComparison.Ordinal)));
        }
        // Released, nothing holds it: the note says what the sweep's records tell instead.
        var after = CliProcess.Run(dir, Limit, "query", "artifacts/s", "SELECT * FROM floor_gap");
        Assert.Equal(2, after.Exit);
        Assert.DoesNotContain("holder line", after.Err);
        Assert.Contains("no `pipeline run` is training the sweep now", after.Err);
    }

    /// <summary>`status` of a sweep whose runs have ended takes such a holder for the run's own analysis, as it takes any
    /// training process's; it said "analysis: running: the run's own ()", an empty holder in its parentheses.</summary>
    [Fact]
    public void Status_names_no_holder_where_the_line_is_not_written_yet()
    {
        File.WriteAllText(Path.Combine(dir, "s.yaml"), TinySynthetic.Named);
        var trained = CliProcess.Run(dir, Limit, "run", "s.yaml", "--no-analysis");
        Assert.True(trained.Exit == 0, trained.Out + trained.Err);
        var sweep = Path.Combine(dir, "artifacts", "s");
        using (Lock(sweep))
        {
            File.WriteAllText(Path.Combine(sweep, SweepLock.FileName + ".owner"), "");
            var status = CliProcess.Run(dir, Limit, "status", "artifacts/s");
            Assert.True(status.Exit == 3, status.Out + status.Err);
            Assert.Equal("analysis: running: the run's own", status.Out.Split('\n').Single(l => l.StartsWith("analysis:", StringComparison.Ordinal)));
        }
    }
}
