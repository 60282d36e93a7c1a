using Retention.Tests.Data;
using Retention.Tests.Pipeline;

namespace Retention.Tests.Host;

/// <summary>A run reading shards over HTTP says when one breaks and is retried: a server that stays down takes
/// minutes to give up, and without a line the run looks hung.</summary>
public class HttpRetryRunTests() : InTempFolder("http-retry-run-")
{
    [Fact(Timeout = 180_000)]
    public async Task A_run_reports_a_shard_retry_naming_the_run_the_url_and_the_wait_and_reads_every_batch()
    {
        var files = new Dictionary<string, byte[]> { ["shard-0.json.gz"] = DataFiles.Gzip(DataFiles.Bytes(DataFiles.Lines(DataFiles.Docs("h", 200)))) };
        // The first request answers 503; the retry is served whole.
        await using var server = new LoopbackHttpServer(files, r => r.Number == 1 ? new HttpReply.Status(503) : HttpReply.Normal);
        var url = server.Url("shard-0.json.gz");
        File.WriteAllText(Path.Combine(dir, "p.yaml"), string.Join('\n',
            "name: p", "experiment: data",
            "data:",
            $"  sources: [{{paths: ['{url}'], shuffle_shards: false, shuffle_buffer: 1, epochs: 0}}]",
            $"  tokenizer: {TinyCorpus.ByteTokenizerYaml()}",
            "  packing: {seq_len: 32, batch_size: 4, held_out_every: 0}",
            "train: {steps: 10}") + "\n");

        var run = await Task.Run(() => CliProcess.Run(dir, TimeSpan.FromMinutes(2), "run", "p.yaml", "--no-analysis"));

        Assert.True(run.Exit == 0, run.Err + run.Out);
        // The default policy: 8 attempts (7 retries), the first wait 0.5 s. A warning on stderr: stdout keeps the progress.
        Assert.Contains($"warning: default: {url}: HTTP 503 at byte 0; retry 1 of 7 in 0.5 s", run.Err);
        Assert.DoesNotContain("retry 1 of 7", run.Out);
        Assert.Equal(10, ArrowRows.Read(Path.Combine(dir, "artifacts", "p", "runs", "default", "batches.arrow")).Count);
    }
}
