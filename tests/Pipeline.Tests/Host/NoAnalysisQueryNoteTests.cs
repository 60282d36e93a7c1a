using System.Globalization;
using System.Text.RegularExpressions;
using Retention.Tests.Pipeline;

namespace Retention.Tests.Host;

/// <summary>A query naming a table of the sweep's analysis after `run --no-analysis` had ended: nothing recorded the
/// --no-analysis once its lock was gone, so the note guessed ("it was trained with --no-analysis, or its runs or its
/// analysis were stopped"). The sweep keeps a record of it now, which a later analysis or `run` supersedes.</summary>
public class NoAnalysisQueryNoteTests() : InTempFolder("no-analysis-query-note-")
{
    static readonly TimeSpan Limit = TimeSpan.FromMinutes(3);

    const string Head = TinySynthetic.Named;
    const string Counts = Head + "analysis:\n  tables:\n    - name: counts\n      sql: SELECT count(*) AS x FROM metrics\n";
    // Valid SQL whose failure only running it shows.
    const string Failing = Head + "analysis:\n  tables:\n    - name: counts\n      sql: SELECT CAST('abc' AS INTEGER) AS x FROM metrics\n";

    string Sweep => Path.Combine(dir, "artifacts", "s");

    string Prefix => "note: table 'counts' is one the sweep's analysis writes (analysis.tables in its pipeline.yaml), and it has not written it yet: ";

    string Note()
    {
        var query = CliProcess.Run(dir, Limit, "query", "artifacts/s", "SELECT * FROM counts");
        Assert.True(query.Exit == 2, query.Out + query.Err);
        Assert.Contains("Table with name counts does not exist", query.Err);
        return query.Err.ReplaceLineEndings("\n").Split('\n').Single(l => l.StartsWith("note:", StringComparison.Ordinal)).TrimEnd();
    }

    /// <summary>The note says the sweep was trained with --no-analysis, naming when that run started (between the test's
    /// clock before and after it), and that analyze writes the tables.</summary>
    void AssertTrainedWithoutAnalysis(DateTime before, DateTime after)
    {
        var note = Note();
        var started = Regex.Match(note, "started (\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d) UTC");
        Assert.True(started.Success, note);
        Assert.Equal(Prefix + $"it was trained with `pipeline run --no-analysis` (started {started.Groups[1].Value} UTC), which runs no analysis: " +
            $"`pipeline analyze {Sweep}` writes the analysis's tables (`pipeline status {Sweep}` says where the runs stand)", note);
        var at = DateTime.ParseExact(started.Groups[1].Value, "yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);
        Assert.InRange(at, before.AddTicks(-(before.Ticks % TimeSpan.TicksPerSecond)), after);
    }

    [Fact]
    public void After_a_run_without_analysis_the_note_says_so_until_an_analysis_or_a_run_that_analyses_comes_after_it()
    {
        File.WriteAllText(Path.Combine(dir, "s.yaml"), Counts);
        File.WriteAllText(Path.Combine(dir, "failing.yaml"), Failing);
        var before = DateTime.UtcNow;
        var trained = CliProcess.Run(dir, Limit, "run", "s.yaml", "--no-analysis");
        Assert.True(trained.Exit == 0, trained.Out + trained.Err);
        AssertTrainedWithoutAnalysis(before, DateTime.UtcNow);

        // An analysis after it that failed is where the sweep stands now, not the --no-analysis.
        var failed = CliProcess.Run(dir, Limit, "analyze", "artifacts/s", "--pipeline", "failing.yaml");
        Assert.True(failed.Exit == 1, failed.Out + failed.Err);
        Assert.Equal(Prefix + $"its last analysis failed (`pipeline status {Sweep}` says why): `pipeline analyze {Sweep}` runs it again", Note());

        // A `run --resume --no-analysis` after that failure is, in turn.
        before = DateTime.UtcNow;
        var again = CliProcess.Run(dir, Limit, "run", "s.yaml", "--resume", "--no-analysis");
        Assert.True(again.Exit == 0, again.Out + again.Err);
        AssertTrainedWithoutAnalysis(before, DateTime.UtcNow);

        // The analyze the note names writes the table.
        Assert.Equal(0, CliProcess.Run(dir, Limit, "analyze", "artifacts/s").Exit);
        var written = CliProcess.Run(dir, Limit, "query", "artifacts/s", "SELECT count(*) AS n FROM counts");
        Assert.True(written.Exit == 0, written.Out + written.Err);
        Assert.Equal("n\n-\n1\n", written.Out.ReplaceLineEndings("\n"));

        // Trained with --no-analysis again, then a `run` that analyses, killed while it trains (before its analysis began):
        // the latest run was not a --no-analysis one, and the note must not say it was.
        Assert.Equal(0, CliProcess.Run(dir, Limit, "run", "s.yaml", "--resume", "--no-analysis").Exit);
        File.WriteAllText(Path.Combine(dir, "long.yaml"), Counts.Replace("steps: 200,", "steps: 100000000,"));
        Assert.False(Directory.Exists(Path.Combine(Sweep, "previous")));
        using (var plain = CliProcess.Start(dir, "run", "long.yaml"))
        {
            // Training has begun: the earlier runs and analysis moved to previous/ (none was there before), and the new run's
            // header written in a runs/ of its own. The run is past where it records, and its analysis has not begun.
            plain.WaitUntil(() => Directory.Exists(Path.Combine(Sweep, "previous")) && Directory.Exists(Path.Combine(Sweep, "runs"))
                && Directory.EnumerateDirectories(Path.Combine(Sweep, "runs")).Any(r => File.Exists(Path.Combine(r, "params.arrow"))), Limit, "the run's header");
            plain.KillHard();
        }
        var note = Note();
        Assert.DoesNotContain("it was trained with `pipeline run --no-analysis`", note);
        Assert.Equal(Prefix + "no `pipeline run` is training the sweep now, and it was not submitted, so no analysis follows by itself (its runs or " +
            $"its analysis were stopped, or an earlier version trained it with --no-analysis): `pipeline analyze {Sweep}` writes it", note);
    }
}
