using Retention.Tests.Data;
using Retention.Tests.Pipeline;

namespace Retention.Tests.Host;

/// <summary>README "Bad data": a gzip shard corrupt in the middle is one `corrupt_compressed` row of a run's
/// data_quality.arrow, naming the shard and the line, and the run goes on; with `strict: true` the run stops
/// with `shard:line: corrupt_compressed: detail`.</summary>
public class CorruptShardRunTests() : InTempFolder("corrupt-run-")
{
    static readonly TimeSpan Limit = TimeSpan.FromMinutes(3);

    /// <summary>shards/1-corrupt.json.gz: 40 documents, then corrupt data; shards/2-good.jsonl: 400 documents.
    /// A data run of 30 batches of 4 × 32 byte tokens (3,840 tokens) reads all of the first and a few dozen of the second
    /// (each document is 60 bytes and an EOS: about 63 documents), so no second pass reaches the corrupt shard again.</summary>
    string Pipeline(bool strict)
    {
        var shards = Directory.CreateDirectory(Path.Combine(dir, "shards")).FullName;
        File.WriteAllBytes(Path.Combine(shards, "1-corrupt.json.gz"), DataFiles.GzipCorruptAfter(
            DataFiles.Lines(DataFiles.Docs("c", 40)), DataFiles.Lines(DataFiles.Docs("lost", 400, seed: 1))));
        DataFiles.Write(Path.Combine(shards, "2-good.jsonl"), DataFiles.Lines(DataFiles.Docs("g", 400, seed: 2)));
        File.WriteAllText(Path.Combine(dir, "p.yaml"), string.Join('\n',
            "name: p", "experiment: data",
            "data:",
            $"  sources: [{{paths: ['shards/1-corrupt.json.gz', 'shards/2-good.jsonl'], shuffle_shards: false, shuffle_buffer: 1, epochs: 0, strict: {(strict ? "true" : "false")}}}]",
            $"  tokenizer: {TinyCorpus.ByteTokenizerYaml()}",
            "  packing: {seq_len: 32, batch_size: 4, held_out_every: 0}",
            "train: {steps: 30}") + "\n");
        return "shards/1-corrupt.json.gz";   // as the pipeline's paths spell it: the name in data_quality.arrow and in errors
    }

    [Fact]
    public void A_corrupt_gzip_shard_is_one_corrupt_compressed_row_and_the_run_goes_on()
    {
        var shard = Pipeline(strict: false);
        var run = CliProcess.Run(dir, Limit, "run", "p.yaml", "--no-analysis");
        Assert.True(run.Exit == 0, run.Err + run.Out);

        var runDir = Path.Combine(dir, "artifacts", "p", "runs", "default");
        var row = Assert.Single(ArrowRows.Read(Path.Combine(runDir, "data_quality.arrow")));
        Assert.Equal(shard, row["shard"]);
        Assert.Equal(41L, row["line"]);   // the first line of the corrupt member
        Assert.Equal("corrupt_compressed", row["reason"]);
        Assert.StartsWith("corrupt gzip data after 40 complete lines", (string)row["detail"]!);
        // The run went on past the corrupt shard: all 30 batches, fed by more than its 40 documents.
        var batches = ArrowRows.Read(Path.Combine(runDir, "batches.arrow"));
        Assert.Equal(30, batches.Count);
        var delivered = ArrowRows.Read(Path.Combine(runDir, "sources.arrow")).Max(r => (long)r["documents"]!);
        Assert.InRange(delivered, 41, 399);
    }

    [Fact]
    public void With_strict_the_corrupt_shard_stops_the_run_naming_shard_line_and_reason()
    {
        var shard = Pipeline(strict: true);
        var run = CliProcess.Run(dir, Limit, "run", "p.yaml", "--no-analysis");
        Assert.Equal(1, run.Exit);
        Assert.Contains($"{shard}:41: corrupt_compressed: corrupt gzip data after 40 complete lines", run.Err);
    }
}
