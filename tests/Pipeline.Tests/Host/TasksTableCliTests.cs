using Retention.Artifacts;
using Retention.Pipeline;
using Retention.Spec;
using Retention.Tests.Pipeline;

namespace Retention.Tests.Host;

/// <summary>tasks.arrow holds every one-value setting of a run's data.tasks (items, train_instances, task_seed, task_tokens beside
/// kind, frequency, gap and instances): it held five, so a task with its own modulus or split was read back from run.yaml only.
/// items is the number the task was built with, the kind's default where the YAML leaves it out.</summary>
public sealed class TasksTableCliTests() : InTempFolder("tasks-table-")
{
    const string Tasks =
        "  tasks: [{kind: modular_addition, frequency: 0.02, train_instances: 4000, seed: 5}, " +
        "{name: order, kind: comparison, frequency: 0.01, gap: 3, items: 11, instances: 100, train_instances: 60, seed: 2, tokens: sampled}]";

    string Yaml(long steps, string olmoExtra = "") =>
        TinyCorpus.TinyOlmo(dir, steps, olmoExtra).Replace("  tasks: [{kind: modular_addition, frequency: 0.02}]", Tasks) + "\n";

    const string Sql = "SELECT task, kind, frequency, gap, instances, items, train_instances, task_seed, task_tokens FROM tasks ORDER BY task";

    // As the YAML says, with modular addition's default modulus 113 and its default 10,000 instances.
    const string Expected = "add,modular_addition,0.02,1,10000,113,4000,5,append\norder,comparison,0.01,3,100,11,60,2,sampled";

    [Fact]
    public void A_run_through_the_cli_writes_each_tasks_settings_to_tasks_arrow()
    {
        File.WriteAllText(Path.Combine(dir, "tiny.yaml"), Yaml(2));
        var run = CliProcess.Run(dir, TimeSpan.FromMinutes(3), "run", "tiny.yaml", "--no-analysis");
        Assert.True(run.Exit == 0, run.Out + run.Err);

        var query = CliProcess.Run(dir, TimeSpan.FromMinutes(2), "query", Path.Combine("artifacts", "tiny"), Sql, "--output", "tasks.csv");
        Assert.True(query.Exit == 0, query.Out + query.Err);
        var csv = File.ReadAllLines(Path.Combine(dir, "tasks.csv"));
        Assert.Equal("task,kind,frequency,gap,instances,items,train_instances,task_seed,task_tokens", csv[0]);
        Assert.Equal(Expected, string.Join("\n", csv.Skip(1)));
    }

    /// <summary>A sweep whose runs were written before and after the added columns: one tasks table, NULL in them for the older run.</summary>
    [Fact]
    public async Task An_older_runs_five_column_tasks_arrow_reads_null_in_the_added_columns_beside_a_newer_run()
    {
        var sweep = Path.Combine(dir, "sweep");
        var row = new TaskRow("cmp", "comparison", 0.001, 1, 10000, 101, 5000, 3, "sampled");
        await ArrowFiles.WriteTableAsync(Path.Combine(sweep, ArtifactLayout.RunsDir, "old", "tasks.arrow"), OlderTasks, [row]);
        await ArrowFiles.WriteTableAsync(Path.Combine(sweep, ArtifactLayout.RunsDir, "new", "tasks.arrow"), OlmoRunGraph.TasksTable, [row]);

        Assert.Equal("new,cmp,101,5000,3,sampled\nold,cmp,,,,",
            SweepRows.Of(sweep, "SELECT run, task, items, train_instances, task_seed, task_tokens FROM tasks ORDER BY run"));
    }

    /// <summary>tasks.arrow as versions before the added columns wrote it.</summary>
    static readonly RecordBatchBuilder<TaskRow> OlderTasks = new RecordBatchBuilder<TaskRow>().Utf8("task", r => r.Task).Utf8("kind", r => r.Kind)
        .Float64("frequency", r => r.Frequency).Int64("gap", r => r.Gap).Int32("instances", r => r.Instances);

    /// <summary>An earlier version's tasks.arrow of five columns beside a checkpoint: the resume rewrites the table whole with
    /// every column, and the run trains on from its checkpoint.</summary>
    [Fact]
    public async Task A_resume_over_an_older_five_column_tasks_arrow_rewrites_it_with_every_column()
    {
        var runDir = Path.Combine(dir, "artifacts", "tiny", "runs", "default");
        // Stopped at step 4, mid-run however far the trainer ran ahead of the stop (8 steps were not always: on a loaded machine
        // the run had completed before step 4 was reported).
        const long Steps = 4 + StopAt.RunAhead + 1;
        Task<PipelineResult> Run(IRunProgress progress, CancellationToken stop, bool resume) =>
            PipelineRunner.RunAsync(SpecLoader.LoadText(Yaml(Steps), "tiny.yaml"), Path.Combine(dir, "artifacts"), progress, stop,
                dataDirectory: dir, resume: resume, analyze: false);
        using (var stop = new CancellationTokenSource())
            Assert.InRange((await Run(new StopAt(4, stop), stop.Token, resume: false)).Runs.Single().Status.Steps, 4, Steps - 1);
        Assert.True(Directory.Exists(Path.Combine(runDir, "checkpoint")));

        await ArrowFiles.WriteTableAsync(Path.Combine(runDir, "tasks.arrow"), OlderTasks,
            [new TaskRow("add", "modular_addition", 0.02, 1, 10000, 0, 0, 0, "")]);

        var resumed = await Run(SilentProgress.Instance, CancellationToken.None, resume: true);
        Assert.Equal(Steps, resumed.Runs.Single().Status.Steps);
        Assert.Equal(Expected, SweepRows.Of(Path.Combine(dir, "artifacts", "tiny"), Sql));
        Assert.Equal($"{Steps}", SweepRows.Of(Path.Combine(dir, "artifacts", "tiny"), "SELECT count(*) FROM train"));
    }
}
