using System.Text.Json;
using Retention.Artifacts;
using Retention.Tests.Host;

namespace Retention.Tests.Cluster;

/// <summary>
/// `pipeline submit --slurm` of a pipeline with no analysis section, through the CLI with stand-in Slurm commands on the
/// PATH: it queued an analysis job anyway (one that ran `analyze`, which only wrote outcome.json), and `analyze` refused
/// meanwhile promised that "its analysis runs when its runs end". Now no analysis job is queued, submit says so, and the
/// submission records it for `analyze` and `status`.
/// </summary>
public sealed class SubmitWithoutAnalysisTests() : InTempFolder("submit-bare-")
{
    static readonly TimeSpan Limit = TimeSpan.FromMinutes(3);

    string Sweep => Path.Combine(dir, "artifacts", "bare");

    void WritePipeline() => File.WriteAllText(Path.Combine(dir, "bare.yaml"), string.Join('\n',
        "name: bare", "synthetic: {tasks: 4, dims_per_task: 2, width: 2}",
        "train: {steps: 200, batch_size: 8, log_every: 100}",
        "sweep: {train.lr: [0.003, 0.001]}") + "\n");

    /// <summary>sbatch logs each call to sbatch.log and answers 4242, 4243, ... in order; squeue lists nothing.</summary>
    string SlurmPath() => FakeSlurm.Path(Path.Combine(dir, "fake-bin"),
        ("sbatch", $"echo \"$*\" >> '{dir}/sbatch.log'\necho $((4241 + $(wc -l < '{dir}/sbatch.log')))"), ("squeue", "exit 0"));

    (int Exit, string Out, string Err) Submit(string path, params string[] extra) =>
        CliProcess.Run(dir, Limit, new Dictionary<string, string?> { ["PATH"] = path }, ["submit", "bare.yaml", "--slurm", .. extra]);

    [Fact]
    public void A_pipeline_without_an_analysis_gets_no_analysis_job_and_submit_says_so()
    {
        WritePipeline();
        var path = SlurmPath();
        var dry = Submit(path, "--dry-run", "--analysis-time", "1:00:00");
        Assert.True(dry.Exit == 0, dry.Err + dry.Out);
        Assert.Contains("\n# no analysis job: the pipeline declares no analysis; query the runs once they end", dry.Out);
        Assert.DoesNotContain("analysis.sbatch", dry.Out);
        Assert.DoesNotContain(" analyze ", dry.Out);                                  // no script that runs `analyze`
        Assert.Contains("note: --analysis-time 1:00:00 limits no job: the pipeline declares no analysis", dry.Err);

        var submitted = Submit(path);
        Assert.True(submitted.Exit == 0, submitted.Err + submitted.Out);
        Assert.Single(File.ReadAllLines(Path.Combine(dir, "sbatch.log")));           // the array alone
        Assert.Matches(@"(?m)^submitted (1 task|2 tasks) for 2 runs as job 4242$", submitted.Out);
        Assert.Contains("\nno analysis job: the pipeline declares no analysis; query the runs once they end (`pipeline status` shows how far they are)\n",
            submitted.Out.ReplaceLineEndings("\n"));
        Assert.DoesNotContain("the analysis is job", submitted.Out);
        var folder = Path.Combine(Sweep, "slurm", "submit-1");
        Assert.False(File.Exists(Path.Combine(folder, "analysis.sbatch")));
        var submission = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "submission.json"))).RootElement;
        Assert.Equal("4242", submission.GetProperty("array_job_id").GetString());
        Assert.Equal(JsonValueKind.Null, submission.GetProperty("analysis_job_id").ValueKind);
        Assert.True(submission.GetProperty("without_analysis").GetBoolean());

        // `analyze` while a task trains a run: no analysis job follows, so it must not say one will.
        using (SweepLock.AcquireAll([Path.Combine(Sweep, "runs", "lr-0.001")]))
        {
            var refused = CliProcess.Run(dir, Limit, "analyze", Sweep);
            Assert.Equal(1, refused.Exit);
            Assert.DoesNotContain("its analysis runs when its runs end", refused.Err);
            Assert.EndsWith($"; its submission ({Path.Combine("slurm", "submit-1")}, array job 4242) queued no analysis job " +
                "(its pipeline declares no analysis): analyze after its runs end (`pipeline status` shows how far they are)", refused.Err.TrimEnd('\n'));
        }
    }

    [Fact]
    public void Status_of_such_a_sweep_whose_runs_ended_does_not_ask_the_scheduler_nor_show_an_analysis()
    {
        // No analysis job will record an outcome: status waited for one, and asked an unreachable scheduler each time.
        WritePipeline();
        var submitted = Submit(SlurmPath());
        Assert.True(submitted.Exit == 0, submitted.Err + submitted.Out);
        var resumed = CliProcess.Run(dir, Limit, "run", "bare.yaml", "--resume");   // the runs trained, as the tasks would
        Assert.True(resumed.Exit == 0, resumed.Err + resumed.Out);
        var asked = Path.Combine(dir, "squeue-asked");
        var down = FakeSlurm.Path(Path.Combine(dir, "down-bin"), ("sbatch", "exit 1"),
            ("squeue", $"touch {asked}; echo 'slurm_load_jobs error: Unable to contact slurm controller' >&2; exit 1"), ("sacct", $"touch {asked}; exit 1"));
        var status = CliProcess.Run(dir, Limit, new Dictionary<string, string?> { ["PATH"] = down }, "status", Sweep);
        Assert.True(status.Exit == 0, status.Out + status.Err);
        Assert.Contains("2 runs: 2 completed", status.Out);
        Assert.DoesNotContain("analysis", status.Out);
        Assert.False(File.Exists(asked), status.Out + status.Err);
    }

    [Fact]
    public void Status_of_a_sweep_resubmitted_without_its_analysis_shows_no_earlier_analysis_job()
    {
        // Submitted with an analysis (job 4243 after the array 4242), then again once the pipeline dropped it: the second
        // submission queued no analysis job, but status showed the first one's as the sweep's analysis.
        File.WriteAllText(Path.Combine(dir, "bare.yaml"), string.Join('\n',
            "name: bare", "synthetic: {tasks: 4, dims_per_task: 2, width: 2}",
            "train: {steps: 200, batch_size: 8, log_every: 100}",
            "sweep: {train.lr: [0.003, 0.001]}",
            "analysis:", "  tables:", "    - {name: last, sql: 'SELECT run, max(step) AS step FROM metrics GROUP BY run'}") + "\n");
        var path = SlurmPath();
        var first = Submit(path);
        Assert.True(first.Exit == 0, first.Err + first.Out);
        Assert.Contains("the analysis is job 4243", first.Out);
        var withAnalysis = CliProcess.Run(dir, Limit, new Dictionary<string, string?> { ["PATH"] = path }, "status", Sweep);
        Assert.Contains("4243", withAnalysis.Out);   // the analysis job of the latest submission is shown

        WritePipeline();
        var again = Submit(path);
        Assert.True(again.Exit == 0, again.Err + again.Out);
        Assert.Contains("submitted", again.Out);
        Assert.Contains("as job 4244", again.Out);
        Assert.Contains("no analysis job: the pipeline declares no analysis", again.Out);

        var status = CliProcess.Run(dir, Limit, new Dictionary<string, string?> { ["PATH"] = path }, "status", Sweep);
        Assert.DoesNotContain("4243", status.Out + status.Err);
        Assert.DoesNotContain("analysis", status.Out);
        Assert.Contains("4244_", status.Out);   // its runs are the new array's tasks
    }
}
