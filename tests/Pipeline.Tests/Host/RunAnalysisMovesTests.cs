using Retention.Tests.Pipeline;

namespace Retention.Tests.Host;

/// <summary>The analysis `run` runs after training moves an earlier analysis's outputs to previous/ as `analyze` does, but said
/// nothing of it (`analyze` does): a researcher re-running a sweep was not told where the old tables went. It says where now,
/// and only that: the tables loaded and written, `analyze`'s other lines, stay out of run's output.</summary>
public class RunAnalysisMovesTests() : InTempFolder("run-analysis-moves-")
{
    static readonly TimeSpan Limit = TimeSpan.FromMinutes(3);

    static string Pipeline(string first, string second) =>
        TinySynthetic.Named +
        "analysis:\n  tables:\n" +
        $"    - {{name: one, sql: \"{first}\"}}\n" +
        $"    - {{name: {second}, sql: 'SELECT 1 AS v'}}\n" +
        "  plots:\n    - {name: curve, kind: line, sql: 'SELECT step, loss FROM metrics', x: step, y: loss}\n";

    string Kept(string before)
    {
        var previous = Directory.GetDirectories(Path.Combine(dir, "artifacts", "s", "previous")).Except([before]);
        return Path.Combine("artifacts", "s", "previous", Path.GetFileName(Assert.Single(previous)), "analysis");
    }

    [Fact]
    public void A_resumed_runs_analysis_says_where_the_earlier_analysis_outputs_moved()
    {
        File.WriteAllText(Path.Combine(dir, "s.yaml"), Pipeline("SELECT 1 AS v", "two"));
        var first = CliProcess.Run(dir, Limit, "run", "s.yaml");
        Assert.True(first.Exit == 0, first.Out + first.Err);

        // Table two renamed: the earlier two.arrow is moved aside, and run says where.
        File.WriteAllText(Path.Combine(dir, "s.yaml"), Pipeline("SELECT 1 AS v", "deux"));
        var renamed = CliProcess.Run(dir, Limit, "run", "s.yaml", "--resume");
        Assert.True(renamed.Exit == 0, renamed.Out + renamed.Err);
        var stale = Kept("");
        Assert.Equal(["two.arrow"], Directory.GetFiles(Path.Combine(dir, stale)).Select(Path.GetFileName));
        Assert.Contains($"outputs of an earlier analysis that this one does not write moved to {stale}", renamed.Out);
        Assert.DoesNotContain("loaded metrics", renamed.Out + renamed.Err);

        // Table one fails on its rows: the earlier files of the steps not written are moved aside, said before the error.
        File.WriteAllText(Path.Combine(dir, "s.yaml"), Pipeline("SELECT CAST('abc' AS INTEGER) AS v FROM metrics", "deux"));
        var failed = CliProcess.Run(dir, Limit, "run", "s.yaml", "--resume");
        Assert.True(failed.Exit == 1, failed.Out + failed.Err);
        Assert.Contains("analysis table 'one'", failed.Err);
        Assert.Contains($"the earlier analysis's one.arrow, deux.arrow, curve.png, which this one did not write, moved to " +
                        Kept(Path.Combine(dir, Path.GetDirectoryName(stale)!)), failed.Out);
    }
}
