namespace Retention.Tests.Host;

/// <summary>A sweep's stored pipeline.yaml (or a run's run.yaml) given as the pipeline file: its relative data paths resolve
/// against the sweep's folder, where no data lies. The error said to write a corpus into the sweep (`pipeline data sample
/// ... --out SWEEP/shards`); it names the folder the runs read their data from (provenance.json) for --data-dir.</summary>
public class StoredCopyDataPathTests() : InTempFolder("stored-copy-")
{
    static readonly TimeSpan Limit = TimeSpan.FromMinutes(2);

    [Fact]
    public void A_stored_copy_with_relative_data_paths_names_the_recorded_data_folder()
    {
        var project = Path.Combine(dir, "project");
        Directory.CreateDirectory(Path.Combine(project, "shards"));
        File.WriteAllLines(Path.Combine(project, "shards", "a.jsonl"),
            Enumerable.Range(0, 20).Select(i => $"{{\"id\": \"d{i}\", \"text\": \"some words of text number {i}\"}}"));
        File.WriteAllText(Path.Combine(project, "d.yaml"), "name: d\nexperiment: data\n" +
            "data: {sources: [{paths: [shards/*.jsonl], epochs: 0}], packing: {seq_len: 8, batch_size: 2, held_out_every: 0}}\ntrain: {steps: 2}\n");
        var run = CliProcess.Run(dir, Limit, "run", Path.Combine("project", "d.yaml"));
        Assert.True(run.Exit == 0, run.Err);

        foreach (var stored in new[] { Path.Combine("artifacts", "d", "pipeline.yaml"), Path.Combine("artifacts", "d", "runs", "default", "run.yaml") })
        {
            var (exit, _, err) = CliProcess.Run(dir, Limit, "validate", stored);
            Assert.Equal(2, exit);
            Assert.Contains($"this file is a sweep's stored copy: relative paths resolve against its own folder, and its runs read their " +
                $"data relative to {project}, as their provenance.json records; give --data-dir {project})", err);
            Assert.DoesNotContain("pipeline data", err);   // no command that writes a corpus into the sweep
            var again = CliProcess.Run(dir, Limit, "validate", stored, "--data-dir", project);
            Assert.True(again.Exit == 0, again.Err);
        }
    }

    /// <summary>A run's run.yaml (README Artifacts: "this run's fully resolved spec") sweeps nothing, so its run writes no
    /// swept table, while the analysis it carries is its sweep's: one reading swept failed with DuckDB's "does not exist"
    /// and the list of tables, not saying why or what works.</summary>
    [Fact]
    public void A_runs_run_yaml_whose_sweeps_analysis_reads_swept_says_it_is_one_run_and_what_works()
    {
        File.WriteAllText(Path.Combine(dir, "t.yaml"), string.Join('\n',
            "name: t", "device: cpu",
            "synthetic: {tasks: 2, dims_per_task: 2, width: 2}",
            "train: {steps: 10, batch_size: 8, log_every: 10}",
            "sweep: {synthetic.width: [1, 2]}",
            "analysis:",
            "  tables:",
            "    - {name: widths, sql: 'SELECT width, count(*) AS n FROM swept GROUP BY width'}") + "\n");
        var run = CliProcess.Run(dir, Limit, "run", "t.yaml", "--no-analysis");
        Assert.True(run.Exit == 0, run.Out + run.Err);

        var runFile = Path.Combine("artifacts", "t", "runs", "width-1", "run.yaml");
        var (exit, _, err) = CliProcess.Run(dir, Limit, "validate", runFile);
        Assert.Equal(2, exit);
        Assert.Contains("this file is one run's run.yaml: it sweeps nothing, so its run writes no `swept` table, which its sweep's " +
            "analysis reads; `pipeline run` it with --no-analysis --artifacts DIR to train this run alone (DIR another folder: the run keeps " +
            $"its sweep's name, so the sweep's own folder would be set aside under previous/ and replaced), or give the sweep's {Path.Combine("artifacts", "t", "pipeline.yaml")}", err);
        // Given from inside the sweep, through '.', the sweep's file is named relative to where the command runs.
        var inside = CliProcess.Run(Path.Combine(dir, "artifacts", "t", "runs"), Limit, "validate", Path.Combine(".", "width-1", "run.yaml"));
        Assert.Contains($"or give the sweep's {Path.Combine("..", "pipeline.yaml")}", inside.Err);
        var alone = CliProcess.Run(dir, Limit, "run", runFile, "--no-analysis", "--artifacts", "alone");
        Assert.True(alone.Exit == 0, alone.Out + alone.Err);
        // A pipeline file of that name elsewhere is no run's: the usual list of tables, no such hint.
        File.Copy(Path.Combine(dir, runFile), Path.Combine(dir, "run.yaml"));
        var copy = CliProcess.Run(dir, Limit, "validate", "run.yaml");
        Assert.Equal(2, copy.Exit);
        Assert.DoesNotContain("one run's run.yaml", copy.Err);
        Assert.Contains("the runs of this pipeline write", copy.Err);
    }
}
