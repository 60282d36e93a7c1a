using Retention.Tests.Pipeline;

namespace Retention.Tests.Host;

/// <summary>
/// `pipeline run` of a data run whose shard holds a corrupt JSON line: the count of the lines it skipped is a warning on
/// stderr, as the data commands' is, not a line among the progress and results on stdout (where it was, through Info).
/// </summary>
public class RunDataWarningsCliTests() : InTempFolder("run-data-warnings-")
{
    [Fact(Timeout = 180_000)]
    public async Task A_runs_skipped_bad_lines_are_a_warning_on_stderr_not_on_stdout()
    {
        var docs = Enumerable.Range(0, 12).Select(i => $"{{\"id\": \"d{i}\", \"text\": \"{new string((char)('a' + i), 20)}\"}}").ToList();
        docs.Insert(1, "{\"id\": \"bad\", \"text\": ");   // cut off: one invalid_json line, met before the first batch
        Directory.CreateDirectory(Path.Combine(dir, "shards"));
        File.WriteAllLines(Path.Combine(dir, "shards", "a.jsonl"), docs);
        File.WriteAllText(Path.Combine(dir, "d.yaml"), "name: d\nexperiment: data\n" +
            $"data: {{sources: [{{paths: [shards/*.jsonl], epochs: 0}}], tokenizer: {TinyCorpus.ByteTokenizerYaml()}, packing: {{seq_len: 16, batch_size: 2, held_out_every: 0}}}}\n" +
            "train: {steps: 3}\n");

        var (exit, output, err) = await Task.Run(() => CliProcess.Run(dir, TimeSpan.FromMinutes(2), "run", "d.yaml", "--no-analysis"));

        Assert.True(exit == 0, output + err);
        // The line met once (epochs after the first record nothing again), counted by reason, the table named.
        Assert.Contains("warning: default: 1 data-quality issue: invalid_json 1 (data_quality.arrow)", err);
        Assert.DoesNotContain("data-quality", output);
        Assert.DoesNotContain("invalid_json", output);
        Assert.Contains("default: done: 3 steps", output);   // the run's progress and result stay on stdout
        Assert.Single(ArrowRows.Read(Path.Combine(dir, "artifacts", "d", "runs", "default", "data_quality.arrow")));
    }

    [Fact(Timeout = 180_000)]
    public async Task An_olmo_runs_skipped_bad_lines_are_a_warning_on_stderr_too()
    {
        // The same corpus with two cut-off lines, trained on: an OLMo run said nothing of them anywhere in the console.
        var docs = Enumerable.Range(0, 12).Select(i => $"{{\"id\": \"d{i}\", \"text\": \"{new string((char)('a' + i), 20)}\"}}").ToList();
        docs.Insert(1, "{\"id\": \"bad\", \"text\": ");
        docs.Insert(3, "{\"id\": \"cut\", \"text\": ");
        Directory.CreateDirectory(Path.Combine(dir, "shards"));
        File.WriteAllLines(Path.Combine(dir, "shards", "a.jsonl"), docs);
        File.WriteAllText(Path.Combine(dir, "o.yaml"), string.Join('\n',
            "name: o", "experiment: olmo", "device: cpu",
            $"data: {{sources: [{{paths: [shards/*.jsonl], epochs: 0}}], tokenizer: {TinyCorpus.ByteTokenizerYaml()}, packing: {{seq_len: 16, batch_size: 2, held_out_every: 0}}}}",
            "olmo: {preset: 4M, layers: 1, hidden: 32, mlp_dim: 64, heads: 4}",
            "train: {steps: 3, lr: 0.003, warmup_steps: 1, log_every: 1}") + "\n");

        var (exit, output, err) = await Task.Run(() => CliProcess.Run(dir, TimeSpan.FromMinutes(2), "run", "o.yaml", "--no-analysis"));

        Assert.True(exit == 0, output + err);
        Assert.Contains("warning: default: 2 data-quality issues: invalid_json 2 (data_quality.arrow)", err);
        Assert.DoesNotContain("data-quality", output);
        Assert.Equal(2, ArrowRows.Read(Path.Combine(dir, "artifacts", "o", "runs", "default", "data_quality.arrow")).Count);
    }
}
