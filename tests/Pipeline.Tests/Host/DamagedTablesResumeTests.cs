using Retention.Pipeline;
using Retention.Spec;
using Retention.Tests.Pipeline;

namespace Retention.Tests.Host;

/// <summary>A table deleted or damaged after it was written: a resume, a resubmission and `status` say so, naming the run and
/// the file, instead of keeping a completed run without its rows or continuing an interrupted one past rows it lost.</summary>
public class DamagedTablesResumeTests() : InTempFolder("damaged-tables-")
{
    static readonly TimeSpan Limit = TimeSpan.FromMinutes(3);

    const string Yaml = "name: s\nsynthetic: {tasks: 4, dims_per_task: 4, width: 2}\n" +
                        "train: {steps: 600, batch_size: 16, log_every: 10}\nsweep: {synthetic.width: [2, 3]}\n" +
                        "analysis:\n  tables:\n    - name: final\n      sql: SELECT run, max(step) AS steps FROM metrics GROUP BY run\n";

    string File(params string[] parts) => Path.Combine([dir, "s", .. parts]);

    async Task<PipelineResult> Train(bool resume, long stopAt = long.MaxValue, bool analyze = false)
    {
        using var stop = new CancellationTokenSource();
        return await PipelineRunner.RunAsync(SpecLoader.LoadText(Yaml, Path.Combine(dir, "s.yaml")), dir, new StopAt(stopAt, stop), stop.Token,
            resume: resume, analyze: analyze);
    }

    static void Truncate(string path, long length)
    {
        using var f = new FileStream(path, FileMode.Open);
        f.SetLength(length);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_completed_run_whose_table_is_damaged_or_missing_is_refused_by_resume_and_failed_by_status(bool truncate)
    {
        System.IO.File.WriteAllText(Path.Combine(dir, "s.yaml"), Yaml);
        await Train(resume: false, analyze: true);
        var metrics = File("runs", "width-3", "metrics.arrow");
        if (truncate) Truncate(metrics, 200); else System.IO.File.Delete(metrics);
        string expected = truncate ? "metrics.arrow cannot be read" : "metrics.arrow is missing";

        var status = CliProcess.Run(dir, Limit, "status", "s");
        Assert.True(status.Exit == 1, status.Out + status.Err);
        Assert.Contains(status.Out.Split('\n'), l => l.Contains("width-3") && l.Contains("failed") && l.Contains("completed, but " + expected));
        Assert.Contains(status.Out.Split('\n'), l => l.Contains("width-2") && l.Contains("completed") && !l.Contains("failed"));
        // The analysis ran on every row the run wrote (it completed); it said "1 run not completed" of it.
        Assert.Contains("; 1 completed run with a table missing or unreadable since: its tables hold that run's rows only if it was written before that",
            status.Out);
        Assert.DoesNotContain("not completed", status.Out);

        // `analyze` refuses it too, touching nothing: a deleted table was simply absent from the catalog, so the analysis
        // completed (exit 0) with width-3's rows left out of every table.
        var finalTable = File("analysis", "final.arrow");
        var before = System.IO.File.GetLastWriteTimeUtc(finalTable);
        var analyze = CliProcess.Run(dir, Limit, "analyze", "s");
        Assert.True(analyze.Exit == 2, analyze.Out + analyze.Err);
        Assert.Contains("and `pipeline analyze` would keep it as it is", analyze.Err);
        Assert.Contains("width-3 (" + expected, analyze.Err);
        Assert.Equal(before, System.IO.File.GetLastWriteTimeUtc(finalTable));

        var resume = CliProcess.Run(dir, Limit, "run", "s.yaml", "--resume", "--artifacts", dir, "--no-analysis");
        Assert.True(resume.Exit == 2, resume.Out + resume.Err);
        Assert.Contains("width-3 (" + expected, resume.Err);
        Assert.Contains("delete that run's directory", resume.Err);
        Assert.Equal(truncate, System.IO.File.Exists(metrics));   // nothing touched

        // As the message says: the run's directory deleted, the resume trains it again and every table is whole.
        Directory.Delete(File("runs", "width-3"), recursive: true);
        var again = CliProcess.Run(dir, Limit, "run", "s.yaml", "--resume", "--artifacts", dir, "--no-analysis");
        Assert.True(again.Exit == 0, again.Out + again.Err);
        Assert.Contains("width-2: completed earlier, skipped (--resume)", again.Out + again.Err);
        // Both runs whole; only the analysis, written before width-3 trained again (--no-analysis), is left to `analyze`.
        var after = CliProcess.Run(dir, Limit, "status", "s");
        Assert.True(after.Exit == 4 && after.Out.Contains("2 runs: 2 completed") && after.Out.Contains("analysis: stale"), after.Out + after.Err);
    }

    /// <summary>swept.arrow is the one table an analysis reads sweep values from (JOIN swept USING (run)): a completed run that
    /// lost it would drop out of that join, the analysis completing over fewer runs without a word.</summary>
    [Fact]
    public async Task A_completed_run_that_lost_its_swept_table_is_failed_by_status_and_refused_by_resume()
    {
        System.IO.File.WriteAllText(Path.Combine(dir, "s.yaml"), Yaml);
        await Train(resume: false);
        var swept = File("runs", "width-3", "swept.arrow");
        System.IO.File.Delete(swept);

        var status = CliProcess.Run(dir, Limit, "status", "s");
        Assert.True(status.Exit == 1, status.Out + status.Err);
        Assert.Contains(status.Out.Split('\n'), l => l.Contains("width-3") && l.Contains("completed, but swept.arrow is missing"));

        var resume = CliProcess.Run(dir, Limit, "run", "s.yaml", "--resume", "--artifacts", dir, "--no-analysis");
        Assert.True(resume.Exit == 2, resume.Out + resume.Err);
        Assert.Contains("width-3 (swept.arrow is missing)", resume.Err);
        Assert.False(System.IO.File.Exists(swept));   // nothing touched
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task An_interrupted_run_whose_table_is_damaged_or_missing_is_not_continued_and_its_other_tables_are_not_cut(bool truncate)
    {
        var stopped = await Train(resume: false, stopAt: 300);
        Assert.True(stopped.Interrupted);
        var train = File("runs", "width-2", "train.arrow");
        var metrics = File("runs", "width-2", "metrics.arrow");
        Assert.True(System.IO.File.Exists(train) && System.IO.File.Exists(metrics));   // a stop completes its tables
        if (truncate) Truncate(train, 300); else System.IO.File.Delete(train);
        long metricsLength = new FileInfo(metrics).Length;

        var error = await Assert.ThrowsAsync<PipelineRunException>(() => Train(resume: true));
        Assert.Contains(train, error.Message);   // the file, by its path
        Assert.Contains(truncate ? "cannot be read" : "is missing", error.Message);
        Assert.Contains("delete the run's directory", error.Message);
        Assert.Equal(metricsLength, new FileInfo(metrics).Length);   // not cut: the refusal came before any table was resumed
    }

    /// <summary>A completed run records the tables it wrote; what it checks later is that list, so a version that writes
    /// one more table does not take every earlier run for damaged. A run recorded without the list (an earlier version)
    /// is checked against the experiment's tables, as before.</summary>
    [Fact]
    public async Task A_completed_run_is_checked_for_the_tables_it_recorded_not_for_tables_a_later_version_writes()
    {
        System.IO.File.WriteAllText(Path.Combine(dir, "s.yaml"), Yaml);
        await Train(resume: false);
        var statusFile = File("runs", "width-3", PipelineRunner.StatusFile);
        var recorded = System.Text.Json.Nodes.JsonNode.Parse(System.IO.File.ReadAllText(statusFile))!.AsObject();
        // The list names every table file the run has, swept.arrow (a header written before training) included.
        var written = Directory.GetFiles(File("runs", "width-3"), "*.arrow").Select(Path.GetFileNameWithoutExtension).Order().ToList();
        Assert.Contains(RunTables.SweptTable, written);
        Assert.Equal(written, recorded["tables"]!.AsArray().Select(n => (string?)n).Order().ToList());

        // As if this version had added interference.arrow after the run completed: not in its list, not on disk.
        recorded["tables"] = new System.Text.Json.Nodes.JsonArray([.. written.Where(n => n != "interference").Select(n => (System.Text.Json.Nodes.JsonNode?)n)]);
        System.IO.File.WriteAllText(statusFile, recorded.ToJsonString());
        System.IO.File.Delete(File("runs", "width-3", "interference.arrow"));
        var status = CliProcess.Run(dir, Limit, "status", "s");
        Assert.True(status.Exit == 4 && status.Out.Contains("2 runs: 2 completed") && status.Out.Contains("analysis: not run"), status.Out + status.Err);
        var resume = CliProcess.Run(dir, Limit, "run", "s.yaml", "--resume", "--artifacts", dir, "--no-analysis");
        Assert.True(resume.Exit == 0, resume.Out + resume.Err);
        Assert.Contains("width-3: completed earlier, skipped (--resume)", resume.Out);

        // Without the list (an earlier version's status.json) the experiment's tables are what it must have.
        recorded.Remove("tables");
        System.IO.File.WriteAllText(statusFile, recorded.ToJsonString());
        var old = CliProcess.Run(dir, Limit, "status", "s");
        Assert.True(old.Exit == 1, old.Out + old.Err);
        Assert.Contains(old.Out.Split('\n'), l => l.Contains("width-3") && l.Contains("completed, but interference.arrow is missing now " +
            "(or never written: its status.json, an earlier version's, lists no tables): restore it, or delete the run's directory"));
    }
}
