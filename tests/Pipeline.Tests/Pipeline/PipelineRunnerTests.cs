using System.Text.Json;
using Apache.Arrow;
using Apache.Arrow.Ipc;
using Retention.Pipeline;
using static Retention.Tests.Spec.SpecSamples;

namespace Retention.Tests.Pipeline;

public class PipelineRunnerTests() : InTempFolder("runner-")
{
    static readonly string Sweep = Yaml(
        "name: t",
        "synthetic: {tasks: 3, dims_per_task: 2}",
        "train: {steps: 60, batch_size: 16, lr: 0.01, log_every: 20, lr_schedule: constant}",
        "sweep:",
        "  synthetic.width: [2, 3]",
        "  seed: [0, 1]",
        "  train.lr: [0.01, 0.02]");

    static double[] Column(string file, string name)
    {
        using var stream = File.OpenRead(file);
        using var reader = new ArrowFileReader(stream);
        var values = new List<double>();
        while (reader.ReadNextRecordBatch() is { } batch)
            using (batch) values.AddRange(((DoubleArray)batch.Column(name)).Values.ToArray());
        return [.. values];
    }

    [Fact]
    public async Task EveryRunOfABatchedGroupGetsItsOwnCompleteArtifacts()
    {
        var pipeline = Load(Sweep);
        var result = await PipelineRunner.RunAsync(pipeline, dir, SilentProgress.Instance, CancellationToken.None);

        Assert.Equal(pipeline.Runs.Select(r => r.RunId), result.Runs.Select(r => r.Run));   // sweep order
        foreach (var run in pipeline.Runs)
        {
            var runDir = Path.Combine(result.SweepDir, "runs", run.RunId);
            using var status = JsonDocument.Parse(File.ReadAllText(Path.Combine(runDir, "status.json")));
            Assert.Equal("completed", status.RootElement.GetProperty("state").GetString());
            Assert.Equal(3, Column(Path.Combine(runDir, "train.arrow"), "train_loss").Length);   // steps 20, 40, 60
            Assert.Equal(3 * 3, Column(Path.Combine(runDir, "metrics.arrow"), "loss").Length);   // × 3 tasks
            foreach (var table in new[] { "params.arrow", "theory.arrow", "utilities.arrow", "run.yaml" })
                Assert.True(File.Exists(Path.Combine(runDir, table)), $"{run.RunId}/{table}");
        }
    }

    [Fact]
    public async Task NoAnalysisThenAnalyzingTheSweepsOwnPipelineYamlGivesTheSameTables()
    {
        var yaml = Sweep + Yaml(
            "analysis:",
            "  tables:",
            "    - name: last",
            "      sql: SELECT run, avg(loss) AS loss FROM metrics WHERE step = 60 GROUP BY run ORDER BY run");
        var pipeline = Load(yaml);
        var trained = await PipelineRunner.RunAsync(pipeline, dir, SilentProgress.Instance, CancellationToken.None, analyze: false);
        Assert.Empty(trained.Tables);
        Assert.False(Directory.Exists(Path.Combine(trained.SweepDir, "analysis")));

        // What `pipeline analyze SWEEP_DIR` does: reload the resolved pipeline.yaml written beside runs/.
        var reloaded = Retention.Spec.SpecLoader.Load(Path.Combine(trained.SweepDir, "pipeline.yaml"));
        var tables = await Retention.Analysis.AnalysisRunner.RunAsync(trained.SweepDir, reloaded.Spec.Analysis);
        var last = Assert.Single(tables);
        Assert.Equal(pipeline.Runs.Count, last.Result.Rows.Count);
        var analysed = Column(Path.Combine(trained.SweepDir, "analysis", "last.arrow"), "loss");
        foreach (var (run, loss) in pipeline.Runs.Select(r => r.RunId).Order(StringComparer.Ordinal).Zip(analysed))
            Assert.Equal(Column(Path.Combine(trained.SweepDir, "runs", run, "metrics.arrow"), "loss")[^3..].Average(), loss, 1e-12);
    }

    [Fact]
    public async Task GroupsTrainedConcurrentlyWriteWhatTheyWriteOneAfterAnother()
    {
        var pipeline = Load(Sweep);   // two groups (train.lr 0.01 and 0.02), each of widths 2, 3 × seeds 0, 1
        Assert.Equal(2, SweepGroups.Of(pipeline.Runs).Count);
        var one = await PipelineRunner.RunAsync(pipeline, Path.Combine(dir, "one"), SilentProgress.Instance, CancellationToken.None);
        var two = await PipelineRunner.RunAsync(pipeline, Path.Combine(dir, "two"), SilentProgress.Instance, CancellationToken.None, jobs: 2);
        Assert.Equal(one.Runs.Select(r => r.Run), two.Runs.Select(r => r.Run));   // sweep order either way
        Assert.All(two.Runs, r => Assert.Equal("completed", r.Status.State));
        foreach (var run in pipeline.Runs)
            Assert.Equal(Column(Path.Combine(one.SweepDir, "runs", run.RunId, "metrics.arrow"), "loss"),
                Column(Path.Combine(two.SweepDir, "runs", run.RunId, "metrics.arrow"), "loss"));
    }

    [Fact]
    public async Task AFailingGroupAmongConcurrentOnesStopsTheSweepNamingItsRun()
    {
        // Three groups (one per lr, equal cost, so started in sweep order) and two jobs: lr 1e30 diverges to a
        // non-finite loss at its first logged step (20); the lr-0.01 group trains beside it and has 200 000
        // steps to go, so it cannot finish first; the lr-0.02 group waits for a free job. README: groups
        // beside a failing one stop at their next step (interrupted), groups not yet started are not started.
        var pipeline = Load(Sweep, null, "sweep.train.lr=[0.01, 1e30, 0.02]", "train.steps=200000");
        Assert.Equal(3, SweepGroups.Of(pipeline.Runs, jobs: 2).Count);
        var e = await Assert.ThrowsAsync<PipelineRunException>(() =>
            PipelineRunner.RunAsync(pipeline, dir, SilentProgress.Instance, CancellationToken.None, jobs: 2));
        Assert.EndsWith("lr-1e30", e.Run);
        string RunDir(string run) => Path.Combine(dir, "t", "runs", run);
        string? State(string run) => File.Exists(Path.Combine(RunDir(run), "status.json"))
            ? JsonDocument.Parse(File.ReadAllText(Path.Combine(RunDir(run), "status.json"))).RootElement.GetProperty("state").GetString()
            : null;
        var runs = pipeline.Runs.Select(r => r.RunId).ToList();
        Assert.Equal(12, runs.Count);
        Assert.All(runs.Where(r => r.EndsWith("lr-1e30")), r => Assert.Equal("failed", State(r)));
        Assert.All(runs.Where(r => r.EndsWith("lr-0.01")), r =>
        {
            Assert.Equal("interrupted", State(r));
            long steps = JsonDocument.Parse(File.ReadAllText(Path.Combine(RunDir(r), "status.json"))).RootElement.GetProperty("steps").GetInt64();
            Assert.InRange(steps, 0, 199_999);
        });
        Assert.All(runs.Where(r => r.EndsWith("lr-0.02")), r =>
        {
            Assert.Null(State(r));
            Assert.False(File.Exists(Path.Combine(RunDir(r), "metrics.arrow")), $"{r} was trained");
            Assert.False(Directory.Exists(RunDir(r)) && Directory.EnumerateFiles(RunDir(r), "*.tmp").Any(), $"{r} was started");
        });
    }

    [Fact]
    public async Task ResumeRetrainsOnlyUnfinishedRunsWhateverTheJobs()
    {
        var pipeline = Load(Sweep);
        var first = await PipelineRunner.RunAsync(pipeline, dir, SilentProgress.Instance, CancellationToken.None);
        var unfinished = "width-3_seed-1_lr-0.02";
        File.WriteAllText(Path.Combine(first.SweepDir, "runs", unfinished, "status.json"),
            """{"state": "interrupted", "steps": 20, "seconds": 0.1}""");
        string Metrics(string run) => Path.Combine(first.SweepDir, "runs", run, "metrics.arrow");
        var before = pipeline.Runs.ToDictionary(r => r.RunId, r => File.GetLastWriteTimeUtc(Metrics(r.RunId)));
        await Task.Delay(20);   // file times must be able to differ

        // Two jobs group the sweep differently from one; completed runs must still be left alone.
        var resumed = await PipelineRunner.RunAsync(pipeline, dir, SilentProgress.Instance, CancellationToken.None, resume: true, jobs: 2);
        Assert.All(resumed.Runs, r => Assert.Equal("completed", r.Status.State));
        foreach (var run in pipeline.Runs.Where(r => r.RunId != unfinished))
            Assert.Equal(before[run.RunId], File.GetLastWriteTimeUtc(Metrics(run.RunId)));
        Assert.NotEqual(before[unfinished], File.GetLastWriteTimeUtc(Metrics(unfinished)));
        Assert.Equal(9, Column(Metrics(unfinished), "loss").Length);   // trained to the end again
    }

    [Fact]
    public async Task ARunTrainedInAGroupWritesWhatItWritesAlone()
    {
        var pipeline = Load(Sweep);
        var sweep = await PipelineRunner.RunAsync(pipeline, dir, SilentProgress.Instance, CancellationToken.None);
        var run = pipeline.Runs.Single(r => r.RunId == "width-3_seed-1_lr-0.02");
        var aloneDir = Path.Combine(dir, "alone");
        Directory.CreateDirectory(aloneDir);
        await SyntheticRunGraph.RunAsync(run.RunId, run.Spec, aloneDir, SilentProgress.Instance, CancellationToken.None);

        var together = Column(Path.Combine(sweep.SweepDir, "runs", run.RunId, "metrics.arrow"), "loss");
        var alone = Column(Path.Combine(aloneDir, "metrics.arrow"), "loss");
        Assert.Equal(alone.Length, together.Length);
        for (int i = 0; i < alone.Length; i++) Assert.Equal(alone[i], together[i], 1e-4);   // see BatchedTrainerTests
    }
}
