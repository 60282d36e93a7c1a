using Retention.Tests.Pipeline;

namespace Retention.Tests.Host;

/// <summary>
/// How a run ends when its data does not last: sources without a single document fail the data-only run as they fail an
/// OLMo run, naming the first bad line; data that runs out before train.steps ("data exhausted") exits 1, as `status`
/// counts the run failed, instead of 0 beside "[0/1 runs completed, 1 data exhausted]".
/// </summary>
public class DataRunEndTests() : InTempFolder("data-run-end-")
{
    static readonly TimeSpan Limit = TimeSpan.FromMinutes(3);

    string Pipeline(string name, string experiment, string shards, long steps, params string[] more)
    {
        File.WriteAllText(Path.Combine(dir, $"{name}.yaml"), string.Join('\n', [
            $"name: {name}", $"experiment: {experiment}", "device: cpu",
            "data:",
            $"  sources: [{{paths: ['{shards}'], shuffle_buffer: 1}}]",
            $"  tokenizer: {TinyCorpus.ByteTokenizerYaml()}",
            "  packing: {seq_len: 16, batch_size: 4, held_out_every: 10, validation_rows: 4}",
            $"train: {{steps: {steps}}}",
            .. more]) + "\n");
        return $"{name}.yaml";
    }

    [Fact]
    public void Sources_without_a_document_fail_a_data_run_as_an_olmo_run_naming_the_first_bad_line()
    {
        var bad = Path.Combine(Directory.CreateDirectory(Path.Combine(dir, "bad")).FullName, "x.jsonl");
        File.WriteAllLines(bad, ["not json", "{\"id\": 1"]);
        const string why = "the sources yielded no document in a pass (2 data-quality issues; the first: ";

        var data = CliProcess.Run(dir, Limit, "run", Pipeline("d", "data", "bad/*.jsonl", 10), "--no-analysis");
        Assert.Equal(1, data.Exit);
        Assert.Contains(why + "bad/x.jsonl:1: invalid_json", data.Err);   // named as the pipeline's paths spell it, as ids are
        Assert.Equal(1, CliProcess.Run(dir, Limit, "status", Path.Combine(dir, "artifacts", "d")).Exit);

        var olmo = CliProcess.Run(dir, Limit, "run", Pipeline("o", "olmo", "bad/*.jsonl", 10,
            "olmo: {preset: 4M, layers: 1, hidden: 16, mlp_dim: 32, heads: 2}"), "--no-analysis");
        Assert.Equal(1, olmo.Exit);
        Assert.Contains(why + "bad/x.jsonl:1: invalid_json", olmo.Err);
    }

    [Fact]
    public void A_data_run_whose_data_runs_out_before_its_steps_exits_1_as_status_counts_it()
    {
        TinyCorpus.WriteShard(dir);   // 200 documents: read once (epochs: 1), far fewer batches than asked for
        var run = CliProcess.Run(dir, Limit, "run", Pipeline("d", "data", "shards/*.jsonl", 100_000), "--no-analysis");
        Assert.Equal(1, run.Exit);
        var sweep = Path.Combine(dir, "artifacts", "d");
        long last = long.Parse(SweepRows.Of(sweep, "SELECT max(step) FROM batches"));
        Assert.InRange(last, 1, 99_999);
        Assert.Contains($"1 data exhausted]", run.Out);
        Assert.Contains($"error: run 'default' ran out of data at step {last:N0} of 100,000: its sources' epochs were all read", run.Err);
        // status.json says it too, for a script that reads it: the state, and why in error.
        var recorded = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(sweep, "runs", "default", "status.json"))).RootElement;
        Assert.Equal("data exhausted", recorded.GetProperty("state").GetString());
        Assert.StartsWith($"ran out of data at step {last:N0} of 100,000", recorded.GetProperty("error").GetString());

        var status = CliProcess.Run(dir, Limit, "status", sweep);
        Assert.Equal(1, status.Exit);
        Assert.Contains($"data exhausted: ran out of data at step {last:N0} of 100,000", status.Out);

        // Given enough data, the same run completes and exits 0.
        var enough = CliProcess.Run(dir, Limit, "run", Pipeline("d", "data", "shards/*.jsonl", last), "--no-analysis");
        Assert.True(enough.Exit == 0, enough.Err + enough.Out);
    }

    /// <summary>An OLMo run whose data runs out trains its last batch as the last step of train.steps is trained: a train row,
    /// the evaluation, a checkpoint and the export at that step (it wrote none of them off the logging grid, so the error's
    /// "its tables up to that step are complete" was false, and `probe` said the run had not saved its model).</summary>
    [Fact]
    public void An_olmo_run_whose_data_runs_out_ends_with_its_tables_and_model_at_the_step_it_reached()
    {
        TinyCorpus.WriteShard(dir);
        Directory.CreateDirectory(Path.Combine(dir, "few"));
        File.WriteAllLines(Path.Combine(dir, "few", "a.jsonl"), File.ReadLines(Path.Combine(dir, "shards", "a.jsonl")).Take(20));   // ~50 steps
        var file = Pipeline("o", "olmo", "few/a.jsonl", 1000, "olmo: {preset: 4M, layers: 1, hidden: 16, mlp_dim: 32, heads: 2, eval_every: 1000, eval_instances: 8}");
        File.WriteAllText(Path.Combine(dir, file), File.ReadAllText(Path.Combine(dir, file)).Replace("train: {steps: 1000}", "train: {steps: 1000, log_every: 1000}"));
        var run = CliProcess.Run(dir, Limit, "run", file, "--no-analysis");
        Assert.Equal(1, run.Exit);
        var sweep = Path.Combine(dir, "artifacts", "o");
        var runDir = Path.Combine(sweep, "runs", "default");
        long last = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(runDir, "status.json"))).RootElement.GetProperty("steps").GetInt64();
        Assert.InRange(last, 2, 999);
        Assert.Equal($"{last}", SweepRows.Of(sweep, "SELECT max(step) FROM train"));
        Assert.Equal($"0,{last}", SweepRows.Of(sweep, "SELECT string_agg(step::VARCHAR, ',' ORDER BY step) FROM (SELECT DISTINCT step FROM eval)"));
        Assert.True(File.Exists(Path.Combine(runDir, "export", Retention.Models.OlmoExport.WeightsFile)));
        Assert.Equal(last, System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(runDir, "checkpoint", "trainer.json"))).RootElement.GetProperty("Step").GetInt64());

        // A resume continues from that checkpoint, finds no more data, and ends the same way with the same rows.
        string Rows() => SweepRows.Of(sweep, "SELECT step, loss FROM train ORDER BY step") + "|" + SweepRows.Of(sweep, "SELECT step, validation_loss FROM eval ORDER BY ALL");
        var before = Rows();
        var resumed = CliProcess.Run(dir, Limit, "run", file, "--no-analysis", "--resume");
        Assert.True(resumed.Exit == 1, resumed.Err + resumed.Out);
        Assert.Contains($"resuming from the checkpoint at step {last}", resumed.Out);
        Assert.Contains($"ran out of data at step {last:N0} of 1,000", resumed.Err);
        Assert.Equal(before, Rows());
    }

    /// <summary>A run whose data went away (a shard server down for good, a file removed) fails; its checkpoint is good, and the
    /// error says a resume continues from it (the run's error said nothing of it, though `--resume` did continue).</summary>
    [Fact]
    public void An_olmo_run_failing_on_its_data_after_a_checkpoint_says_a_resume_continues_from_it()
    {
        TinyCorpus.WriteShard(dir);
        File.WriteAllText(Path.Combine(dir, "o.yaml"), string.Join('\n',
            "name: o", "experiment: olmo", "device: cpu",
            "data:",
            "  sources: [{paths: ['shards/a.jsonl'], epochs: 0}]",   // read again and again: the file is opened anew each pass
            $"  tokenizer: {TinyCorpus.ByteTokenizerYaml()}",
            "  packing: {seq_len: 16, batch_size: 4, held_out_every: 0, validation_rows: 0}",
            "olmo: {preset: 4M, layers: 1, hidden: 16, mlp_dim: 32, heads: 2, eval_every: 100000, checkpoint_every: 5}",
            "train: {steps: 1000000, lr: 0.003, warmup_steps: 1, log_every: 10}") + "\n");
        using var run = CliProcess.Start(dir, "run", "o.yaml", "--no-analysis");
        var checkpoint = Path.Combine(dir, "artifacts", "o", "runs", "default", "checkpoint");
        run.WaitUntil(() => Directory.Exists(checkpoint), Limit, "the first checkpoint");
        File.Delete(Path.Combine(dir, "shards", "a.jsonl"));

        var (exit, _, err) = run.WaitForExit(Limit);
        Assert.Equal(1, exit);
        Assert.Matches(@"error: run 'default' failed: stage 'data' failed: Could not find file .*a\.jsonl.*\(its checkpoint at step [\d,]+ is kept: " +
                       @"`pipeline run \.\.\. --resume` continues from it once that is fixed\)", err);
        var status = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "artifacts", "o", "runs", "default", "status.json"))).RootElement;
        Assert.Contains("--resume` continues from it", status.GetProperty("error").GetString());
    }
}
