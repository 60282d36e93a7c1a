using Retention.Data;
using Retention.Tests.Host;
using Retention.Tests.Pipeline;

namespace Retention.Tests.Data;

/// <summary>
/// batches.arrow's documents_consumed with data.packing.held_out_every > 0: the sources' documents the stream has passed,
/// the held-out ones among them (read, and set aside for validation), so it is the sum of sources.arrow's documents at the
/// step and where a resume re-opens the sources; a document whose EOS ends a batch counts from the next.
/// </summary>
public class HeldOutDocumentsConsumedTests() : InTempFolder("held-out-consumed-")
{
    /// <summary>Ten documents "abc" (the byte tokenizer: 3 tokens, and an EOS, 4), documents 1 and 4 of the first ten held out
    /// (a held_out_seed found for that), rows of seq_len 4 + 1 = 5 tokens, one a batch. The training stream is documents
    /// 0, 2, 3, 5, 6, 7, 8 at tokens 0, 4, 8, 12, 16, 20, 24, so after step s (5s tokens) the stream stands in:
    /// step 1 (5) document 2, 2 (10) document 3, 3 (15) document 5, 4 (20) document 6 used up, its EOS the batch's last token,
    /// 5 (25) document 8. Held-out documents left out, the counts would be 1, 2, 3, 4, 6.</summary>
    [Fact]
    public async Task Documents_consumed_counts_the_held_out_documents_the_stream_passed()
    {
        static Document Doc(int i) => new($"d{i}", "abc", "t", new DocumentPosition("a.jsonl", 0, i + 1));
        var seed = Enumerable.Range(0, 1_000_000).First(s => Enumerable.Range(0, 10).All(i => new HeldOutSplit(2, s).IsHeldOut(Doc(i)) == i is 1 or 4));
        Directory.CreateDirectory(Path.Combine(dir, "shards"));
        File.WriteAllLines(Path.Combine(dir, "shards", "a.jsonl"),
            Enumerable.Range(0, 10).Select(i => $"{{\"id\": \"d{i}\", \"text\": \"abc\", \"source\": \"t\"}}"));
        var yaml = string.Join('\n',
            "name: held", "experiment: data",
            "data:",
            "  sources: [{paths: ['shards/*.jsonl'], shuffle_buffer: 1, epochs: 1}]",
            $"  tokenizer: {TinyCorpus.ByteTokenizerYaml()}",
            $"  packing: {{seq_len: 4, batch_size: 1, held_out_every: 2, held_out_seed: {seed}}}",
            "train: {steps: 5}") + "\n";
        var result = await Retention.Pipeline.PipelineRunner.RunAsync(Retention.Spec.SpecLoader.LoadText(yaml, "held.yaml"),
            Path.Combine(dir, "artifacts"), Retention.Pipeline.SilentProgress.Instance, CancellationToken.None, dataDirectory: dir);

        var run = Path.Combine(result.SweepDir, "runs", "default");
        var batches = ArrowRows.Read(Path.Combine(run, "batches.arrow"));
        Assert.Equal([1L, 2L, 3L, 4L, 5L], batches.Select(r => (long)r["step"]!));
        Assert.Equal([2L, 3L, 5L, 6L, 8L], batches.Select(r => (long)r["documents_consumed"]!));
        var sources = ArrowRows.Read(Path.Combine(run, "sources.arrow"));
        Assert.Equal([2L, 3L, 5L, 6L, 8L], sources.OrderBy(r => (long)r["step"]!).Select(r => (long)r["documents"]!));
    }
}
