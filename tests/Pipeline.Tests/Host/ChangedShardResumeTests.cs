using Retention.Tests.Data;
using Retention.Tests.Pipeline;

namespace Retention.Tests.Host;

/// <summary>
/// A run reading a shard by URL, stopped mid-shard, whose file the server replaced before `--resume`: the run's recorded
/// data fingerprint names URLs only (their sizes are unknown without asking the server), so only the lines the checkpoint
/// had read can tell. The resume must refuse, naming the URL, not skip that many lines into the other version.
/// </summary>
public class ChangedShardResumeTests() : InTempFolder("changed-shard-")
{
    static readonly TimeSpan Limit = TimeSpan.FromMinutes(3);

    [Fact(Timeout = 240_000)]
    public async Task A_url_shard_replaced_on_the_server_after_a_checkpoint_is_refused_by_resume_naming_it_and_continues_once_restored()
    {
        var docs = DataFiles.Docs("h", 400, textLength: 40);
        var original = DataFiles.Gzip(DataFiles.Bytes(DataFiles.Lines(docs)));
        docs[0] = (docs[0].Id, "the first document, rewritten on the server");
        var replaced = DataFiles.Gzip(DataFiles.Bytes(DataFiles.Lines(docs)));   // as many lines: only their content differs
        var serveReplaced = false;
        await using var server = new LoopbackHttpServer(new Dictionary<string, byte[]> { ["shard-0.json.gz"] = original },
            _ => Volatile.Read(ref serveReplaced) ? new HttpReply.Serve(ETag: "\"v2\"", Replaced: replaced) : HttpReply.Normal);
        var url = server.Url("shard-0.json.gz");
        File.WriteAllText(Path.Combine(dir, "p.yaml"), string.Join('\n',
            "name: p", "experiment: olmo", "device: cpu",
            "data:",
            $"  sources: [{{paths: ['{url}'], shuffle_shards: false, shuffle_buffer: 8, epochs: 0}}]",
            $"  tokenizer: {TinyCorpus.ByteTokenizerYaml()}",
            "  packing: {seq_len: 16, batch_size: 4, held_out_every: 0}",
            "olmo: {preset: 4M, layers: 1, hidden: 16, mlp_dim: 32, heads: 2, eval_every: 1000, eval_instances: 4, checkpoint_every: 10}",
            "train: {steps: 400, lr: 0.003, warmup_steps: 5, log_every: 10}") + "\n");
        string runDir = Path.Combine(dir, "artifacts", "p", "runs", "default");

        using (var stopped = CliProcess.Start(dir, "run", "p.yaml", "--no-analysis"))
        {
            stopped.WaitUntil(() => SavedCheckpoint.Step(runDir) >= 10, Limit, "checkpoint at step 10");
            stopped.Signal(2);
            Assert.Equal(130, stopped.WaitForExit(Limit).Exit);
        }
        var cursor = File.ReadAllText(Path.Combine(runDir, "checkpoint", "cursor.json"));
        Volatile.Write(ref serveReplaced, true);

        var resumed = await Task.Run(() => CliProcess.Run(dir, Limit, "run", "p.yaml", "--no-analysis", "--resume"));

        Assert.True(resumed.Exit != 0, resumed.Out + resumed.Err);
        Assert.Contains($"{url}: its first ", resumed.Err);
        Assert.Contains(" lines are not the ones the run read before its checkpoint", resumed.Err);
        Assert.Equal(cursor, File.ReadAllText(Path.Combine(runDir, "checkpoint", "cursor.json")));   // the checkpoint is kept as it was

        // As the message says: with the shard as it was, the run continues.
        Volatile.Write(ref serveReplaced, false);
        var restored = await Task.Run(() => CliProcess.Run(dir, Limit, "run", "p.yaml", "--no-analysis", "--resume"));
        Assert.True(restored.Exit == 0, restored.Out + restored.Err);
        Assert.Equal("400", SweepRows.Of(Path.Combine(dir, "artifacts", "p"), "SELECT max(step) FROM train"));
    }
}
