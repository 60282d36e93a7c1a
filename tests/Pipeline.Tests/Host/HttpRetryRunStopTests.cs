using System.Diagnostics;
using Retention.Tests.Data;
using Retention.Tests.Pipeline;

namespace Retention.Tests.Host;

/// <summary>
/// Ctrl+C while a run waits to retry a shard the server will not give (HTTP 503 every time): the run's shard reader took
/// no stop token, so it went on retrying (over a minute of waits) and ended with the server's error as a failed run. It now
/// stops within the wait it is in, as an interrupted run (exit 130), for a data run and for an OLMo run (whose held-out
/// documents are read before training).
/// </summary>
public class HttpRetryRunStopTests() : InTempFolder("http-retry-run-stop-")
{
    [Theory(Timeout = 180_000)]
    [InlineData("data")]
    [InlineData("olmo")]
    public async Task Ctrl_C_during_a_runs_retry_wait_stops_the_run_at_once(string experiment)
    {
        var files = new Dictionary<string, byte[]> { ["s.json.gz"] = DataFiles.Gzip(DataFiles.Bytes(DataFiles.Lines(DataFiles.Docs("h", 50)))) };
        await using var server = new LoopbackHttpServer(files, _ => new HttpReply.Status(503));
        string source = $"  sources: [{{paths: ['{server.Url("s.json.gz")}'], epochs: 0}}]";
        string[] yaml = experiment == "data"
            ? ["name: p", "experiment: data", "data:", source, $"  tokenizer: {TinyCorpus.ByteTokenizerYaml()}",
               "  packing: {seq_len: 32, batch_size: 4, held_out_every: 0}", "train: {steps: 10}"]
            : [.. TinyCorpus.TinyOlmo(dir, steps: 10).Split('\n').Select(l => l.StartsWith("  sources:") ? source : l)];
        File.WriteAllText(Path.Combine(dir, "p.yaml"), string.Join('\n', yaml) + "\n");

        using var cli = CliProcess.Start(dir, ["run", "p.yaml", "--no-analysis"]);
        // The third failure waits 2 s, the fourth 4 s, ... 30 s: over a minute in all before the run gives up. Stopped in the
        // fourth's 4 s wait, so that the bound below leaves a loaded machine room and still tells a stop heeded late.
        cli.WaitUntil(() => (cli.Output + cli.Error).Contains("retry 4 of 7"), TimeSpan.FromMinutes(1), "the fourth retry");

        cli.Signal(2);   // SIGINT, as Ctrl+C sends
        var clock = Stopwatch.StartNew();
        var (exit, output, err) = await Task.Run(() => cli.WaitForExit(TimeSpan.FromMinutes(2)));

        Assert.True(exit == 130, $"exit {exit} after {clock.Elapsed}:\n{output}\n{err}");
        // Moments when idle; not a stop heeded only after the next retry's wait (this one's 4 s, then 8 s): 9 s tells them
        // apart and leaves a loaded machine room, where 5 s left little.
        Assert.InRange(clock.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(9));
        Assert.DoesNotContain("giving up", output + err);
        Assert.DoesNotContain("retry 5 of 7", output + err);
    }
}
