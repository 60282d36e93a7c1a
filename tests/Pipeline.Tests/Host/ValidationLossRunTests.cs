using Retention.Tests.Pipeline;

namespace Retention.Tests.Host;

/// <summary>README "Packing": when a pass over the sources holds out too few documents to fill one validation row,
/// the run says so and its validation_loss is NaN, seen here in a run's eval.arrow.</summary>
public class ValidationLossRunTests() : InTempFolder("validation-run-")
{
    static readonly TimeSpan Limit = TimeSpan.FromMinutes(3);

    [Fact]
    public void Held_out_documents_that_cannot_fill_a_row_give_a_nan_validation_loss_in_eval_arrow_and_a_warning()
    {
        // 20 documents of 8 ASCII letters: with the byte-level tokenizer (one token per byte, EOS after each) the whole
        // corpus is 180 tokens, less than one row of seq_len + 1 = 257, so whichever documents are held out, no row fills.
        var docs = Enumerable.Range(0, 20).Select(i => $"{{\"id\": \"d{i}\", \"text\": \"{new string((char)('a' + i), 8)}\"}}").ToList();
        Directory.CreateDirectory(Path.Combine(dir, "shards"));
        File.WriteAllLines(Path.Combine(dir, "shards", "a.jsonl"), docs);
        Assert.True(20 * (8 + 1) < 257);
        File.WriteAllText(Path.Combine(dir, "tiny.yaml"), string.Join('\n',
            "name: tiny", "experiment: olmo", "device: cpu",
            "data:",
            "  sources: [{paths: ['shards/*.jsonl'], epochs: 0}]",
            $"  tokenizer: {TinyCorpus.ByteTokenizerYaml()}",
            "  packing: {seq_len: 256, batch_size: 1, held_out_every: 2, validation_rows: 2}",
            "olmo: {preset: 4M, layers: 1, hidden: 32, mlp_dim: 64, heads: 4, eval_every: 2}",
            "train: {steps: 4, lr: 0.003, warmup_steps: 1, log_every: 1}") + "\n");

        var run = CliProcess.Run(dir, Limit, "run", "tiny.yaml", "--no-analysis");
        Assert.True(run.Exit == 0, run.Err + run.Out);
        // On stderr, where the CLI's other warnings go: stdout keeps the run's progress and results.
        Assert.Contains("warning: default: no validation row", run.Err);
        Assert.Contains("validation_loss is NaN", run.Err);
        Assert.DoesNotContain("no validation row", run.Out);
        Assert.DoesNotContain("warning", run.Out);
        var eval = ArrowRows.Read(Path.Combine(dir, "artifacts", "tiny", "runs", "default", "eval.arrow"));
        Assert.Equal([0L, 2L, 4L], eval.Select(r => Convert.ToInt64(r["step"])));
        Assert.All(eval, r => Assert.True(double.IsNaN((double)r["validation_loss"]!), $"step {r["step"]}: {r["validation_loss"]}"));

        // The same corpus with rows of 9 tokens: the held-out documents fill them, and the loss is a number.
        var small = CliProcess.Run(dir, Limit, "run", "tiny.yaml", "--set", "data.packing.seq_len=8", "--artifacts", "small", "--no-analysis");
        Assert.True(small.Exit == 0, small.Err + small.Out);
        Assert.DoesNotContain("validation_loss is NaN", small.Out + small.Err);
        var filled = ArrowRows.Read(Path.Combine(dir, "small", "tiny", "runs", "default", "eval.arrow"));
        Assert.Equal(3, filled.Count);
        Assert.All(filled, r => Assert.True(double.IsFinite((double)r["validation_loss"]!) && (double)r["validation_loss"]! > 0));
    }
}
