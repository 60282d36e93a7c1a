using System.Text.RegularExpressions;
using Retention.Analysis;
using Retention.Artifacts;
using Retention.Tests.Artifacts;
using Retention.Tests.Pipeline;

namespace Retention.Tests.Host;

/// <summary>A query of a folder of sweeps naming a table of their analysis that two or more of them had not written got one
/// general note ("trained with --no-analysis, an analysis ... that failed or was stopped: `pipeline analyze SWEEP`"), though
/// each sweep's records tell its own reason, as they do where the sweep itself is queried: the note says each sweep's, one
/// line per sweep (sweeps with the same reason on one line), the first few and a count of the rest.</summary>
public class SweepFolderAnalysisNoteTests() : InTempFolder("sweep-folder-analysis-note-")
{
    static readonly TimeSpan Limit = TimeSpan.FromMinutes(3);

    const string Body = TinySynthetic.Body;
    const string Counts = "analysis:\n  tables:\n    - name: counts\n      sql: SELECT count(*) AS x FROM metrics\n";
    // Valid SQL whose failure only running it shows.
    const string Failing = "analysis:\n  tables:\n    - name: counts\n      sql: SELECT CAST('abc' AS INTEGER) AS x FROM metrics\n";

    /// <summary>The note's lines: its first, starting "note:", and the indented ones after it.</summary>
    static List<string> NoteLines(string err)
    {
        var lines = err.ReplaceLineEndings("\n").Split('\n').Select(l => l.TrimEnd()).ToList();
        var start = lines.FindIndex(l => l.StartsWith("note: table ", StringComparison.Ordinal));
        Assert.True(start >= 0, err);
        return [lines[start], .. lines.Skip(start + 1).TakeWhile(l => l.StartsWith("  ", StringComparison.Ordinal))];
    }

    [Fact]
    public void Each_sweep_lacking_the_table_is_told_its_own_reason()
    {
        File.WriteAllText(Path.Combine(dir, "a.yaml"), "name: a\n" + Body + Counts);
        File.WriteAllText(Path.Combine(dir, "b.yaml"), "name: b\n" + Body + Failing);
        var trained = CliProcess.Run(dir, Limit, "run", "a.yaml", "--no-analysis");
        Assert.True(trained.Exit == 0, trained.Out + trained.Err);
        var failed = CliProcess.Run(dir, Limit, "run", "b.yaml");
        Assert.True(failed.Exit != 0, failed.Out + failed.Err);
        Assert.Equal("failed", AnalysisOutcome.Read(Path.Combine(dir, "artifacts", "b"))?.State);

        var query = CliProcess.Run(dir, Limit, "query", "artifacts", "SELECT * FROM counts");
        Assert.True(query.Exit == 2, query.Out + query.Err);
        Assert.Contains("Table with name counts does not exist", query.Err);
        var note = NoteLines(query.Err);
        string a = Path.Combine(dir, "artifacts", "a"), b = Path.Combine(dir, "artifacts", "b");
        Assert.Equal(3, note.Count);
        Assert.Equal("note: table 'counts' is one the analysis of 2 sweeps here writes (analysis.tables in their pipeline.yaml), " +
            "and none of them has written it yet:", note[0]);
        Assert.Matches("^  " + Regex.Escape($"{a}: it was trained with `pipeline run --no-analysis` (started ") +
            @"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d" + Regex.Escape($" UTC), which runs no analysis: `pipeline analyze {a}` writes the " +
            $"analysis's tables (`pipeline status {a}` says where the runs stand)") + "$", note[1]);
        Assert.Equal($"  {b}: its last analysis failed (`pipeline status {b}` says why): `pipeline analyze {b}` runs it again", note[2]);
        Assert.DoesNotContain("pipeline analyze SWEEP", query.Err);
    }

    sealed record Metric(long Step, double Loss);
    static readonly RecordBatchBuilder<Metric> Metrics = new RecordBatchBuilder<Metric>().Int64("step", m => m.Step).Float64("loss", m => m.Loss);

    /// <summary>A sweep under artifacts/ written by hand: one run's metrics, and a pipeline whose analysis writes floor_gap.</summary>
    async Task<string> Sweep(string name)
    {
        var sweep = Path.Combine(dir, "artifacts", name);
        await ArrowFiles.WriteTableAsync(Path.Combine(sweep, "runs", "r", "metrics.arrow"), Metrics, [new Metric(0, 1.0)]);
        File.Copy(RepoFiles.Pipeline("synthetic-capacity.yaml"), Path.Combine(sweep, "pipeline.yaml"));
        return sweep;
    }

    /// <summary>Nine sweeps: four whose analysis failed (one line naming them, the first three and a count), four whose
    /// submissions' analysis jobs sbatch refused (each its own array job, so its own line) and one with no record. Three
    /// lines of reasons at most once there are more than four, then the rest counted and named.</summary>
    [Fact]
    public async Task Sweeps_sharing_a_reason_share_a_line_and_many_reasons_are_cut_to_the_first_few()
    {
        var sweeps = new List<string>();
        for (var i = 1; i <= 9; i++) sweeps.Add(await Sweep($"s{i}"));
        foreach (var sweep in sweeps.Take(4)) await AnalysisOutcome.RecordAsync(sweep, "failed", "boom");
        for (var i = 4; i < 8; i++)
            await new Retention.Cluster.SlurmSubmission(1, sweeps[i], Path.Combine(dir, "artifacts"), null, dir, [["r"]],
                new Retention.Cluster.SlurmResources(), DateTime.UtcNow.ToString("o"), ArrayJobId: $"{100 + i}").SaveAsync();

        var query = CliProcess.Run(dir, Limit, "query", "artifacts", "SELECT * FROM floor_gap");
        Assert.True(query.Exit == 2, query.Out + query.Err);
        var note = NoteLines(query.Err);
        Assert.Equal([
            "note: table 'floor_gap' is one the analysis of 9 sweeps here writes (analysis.tables in their pipeline.yaml), and none of them has written it yet:",
            $"  {sweeps[0]}, {sweeps[1]}, {sweeps[2]} and 1 more: its last analysis failed (`pipeline status SWEEP` says why): `pipeline analyze SWEEP` runs it again",
            $"  {sweeps[4]}: its submission ({Path.Combine("slurm", "submit-1")}, array job 104) queued no analysis job (sbatch refused it): " +
                $"`pipeline analyze {sweeps[4]}` writes it once the runs end (`pipeline status {sweeps[4]}` shows how far the runs are)",
            $"  {sweeps[5]}: its submission ({Path.Combine("slurm", "submit-1")}, array job 105) queued no analysis job (sbatch refused it): " +
                $"`pipeline analyze {sweeps[5]}` writes it once the runs end (`pipeline status {sweeps[5]}` shows how far the runs are)",
            $"  and 3 more sweeps: {sweeps[6]}, {sweeps[7]}, {sweeps[8]} (`pipeline status SWEEP` says where each stands)",
        ], note);
    }
}
