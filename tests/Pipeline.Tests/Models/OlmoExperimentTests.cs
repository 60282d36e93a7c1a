using Retention.Analysis;
using Retention.Artifacts;
using Retention.Pipeline;
using Retention.Spec;
using Retention.Tests.Pipeline;

namespace Retention.Tests.Models;

/// <summary>experiment: olmo end to end on a tiny model: data stage, trainer, evaluation, checkpoint, export.</summary>
public class OlmoExperimentTests : IDisposable
{
    readonly string dir = Directory.CreateTempSubdirectory("olmo-run-").FullName;
    public void Dispose() => Directory.Delete(dir, recursive: true);

    [Fact]
    public async Task ATinyRunWritesMetricsTheCheckpointAndTheExport()
    {
        Directory.CreateDirectory(Path.Combine(dir, "shards"));
        var words = "the of and to in is was he for it with as his on be at by had".Split(' ');
        var rng = new Random(1);
        File.WriteAllLines(Path.Combine(dir, "shards", "a.jsonl"), Enumerable.Range(0, 200).Select(i =>
            System.Text.Json.JsonSerializer.Serialize(new { id = $"d{i}", text = string.Join(' ', Enumerable.Range(0, 30).Select(_ => words[rng.Next(words.Length)])) })));
        var tokenizers = Path.GetDirectoryName(RepoFiles.Pipeline("x"))!;
        var yaml = string.Join('\n',
            "name: tiny", "experiment: olmo", "device: cpu",
            "data:",
            "  sources: [{paths: ['shards/*.jsonl'], epochs: 0}]",
            $"  tokenizer: {{kind: bpe, path: '{tokenizers}/tokenizers/bytes-vocab.json', merges_path: '{tokenizers}/tokenizers/bytes-merges.txt'}}",
            "  packing: {seq_len: 16, batch_size: 4, held_out_every: 10, validation_rows: 4}",
            "  tasks: [{kind: modular_addition, frequency: 0.02}]",
            "olmo: {preset: 4M, layers: 2, hidden: 32, mlp_dim: 64, heads: 4, eval_every: 3, eval_instances: 16}",
            "train: {steps: 6, lr: 0.003, warmup_steps: 1, log_every: 1}");
        var result = await PipelineRunner.RunAsync(SpecLoader.LoadText(yaml, "tiny.yaml"), Path.Combine(dir, "artifacts"),
            SilentProgress.Instance, CancellationToken.None, dataDirectory: dir);
        var run = Path.Combine(result.SweepDir, "runs", "default");
        using var catalog = ArtifactCatalog.Open(result.SweepDir);
        long Count(string sql) => Convert.ToInt64(SqlRunner.Query(catalog.Connection, sql).Rows.Single()[0]);
        Assert.Equal(6, Count("SELECT count(*) FROM train WHERE loss > 0"));
        Assert.Equal(2, Count("SELECT count(*) FROM eval"));                        // steps 3 and 6
        Assert.Equal(2 * 2, Count("SELECT count(*) FROM task_metrics"));            // 2 evaluations × (train, test)
        // 0.02 instances per token × 64 tokens × 6 steps = 7.68 → 7 injected instances.
        Assert.Equal(7, Count("SELECT count(*) FROM injections"));
        // Compute = 6 · parameters · tokens, tokens = 6 steps × 4 rows × 16 positions.
        double compute = Convert.ToDouble(SqlRunner.Query(catalog.Connection, "SELECT compute_flops FROM train WHERE step = 6").Rows.Single()[0]);
        Assert.Equal(6.0 * Count("SELECT parameters FROM model") * (6 * 4 * 16), compute);
        Assert.True(File.Exists(Path.Combine(run, "checkpoint", "cursor.json")));
        Assert.True(File.Exists(Path.Combine(run, "export", "model.safetensors")));
        Assert.True(File.Exists(Path.Combine(run, "export", "config.json")));
    }
}
