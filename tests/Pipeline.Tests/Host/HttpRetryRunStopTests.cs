using System.Diagnostics;
using Retention.Tests.Data;
using Retention.Tests.Pipeline;

namespace Retention.Tests.Host;

/// <summary>
/// Ctrl+C while a run waits to retry a shard the server will not give (HTTP 503 every time): the run's shard reader took
/// no stop token, so it went on retrying (over a minute of waits) and ended with the server's error as a failed run. It now
/// stops within the wait it is in, as an interrupted run (exit 130), for a data run and for an OLMo run (whose held-out
/// documents are read before training). A run's shard reader that dropped the stop would pass here too (checked: the run's
/// tokenizer leaves its feeder inside the source after a stop, and the process ends); HttpRetryPretokenizedStopTests, whose
/// source is read without that tokenizer, fails then, and HttpSourceTests.A_stop_during_a_long_retry_wait... checks the wait itself.
/// </summary>
public class HttpRetryRunStopTests() : InTempFolder("http-retry-run-stop-")
{
    [Theory(Timeout = 180_000)]
    [InlineData("data")]
    [InlineData("olmo")]
    public async Task Ctrl_C_during_a_runs_retry_wait_stops_the_run_at_once(string experiment)
    {
        var files = new Dictionary<string, byte[]> { ["s.json.gz"] = DataFiles.Gzip(DataFiles.Bytes(DataFiles.Lines(DataFiles.Docs("h", 50)))) };
        // Every answer asks for a 30 s wait (Retry-After), which the run honours from the first retry: a stop must cut it short.
        await using var server = new LoopbackHttpServer(files, _ => new HttpReply.Status(503, RetryAfterSeconds: 30));
        string source = $"  sources: [{{paths: ['{server.Url("s.json.gz")}'], epochs: 0}}]";
        string[] yaml = experiment == "data"
            ? ["name: p", "experiment: data", "data:", source, $"  tokenizer: {TinyCorpus.ByteTokenizerYaml()}",
               "  packing: {seq_len: 32, batch_size: 4, held_out_every: 0}", "train: {steps: 10}"]
            : [.. TinyCorpus.TinyOlmo(dir, steps: 10).Split('\n').Select(l => l.StartsWith("  sources:") ? source : l)];
        File.WriteAllText(Path.Combine(dir, "p.yaml"), string.Join('\n', yaml) + "\n");

        using var cli = CliProcess.Start(dir, ["run", "p.yaml", "--no-analysis"]);
        // Stopped in the first retry's 30 s wait: longer than the bound below, so a wait that ignored the stop fails the test
        // (a stop in a wait shorter than the bound, as the backoff's 4 s was, passed even then).
        cli.WaitUntil(() => (cli.Output + cli.Error).Contains("retry 1 of 7 in 30 s"), TimeSpan.FromMinutes(1), "the first retry");

        cli.Signal(2);   // SIGINT, as Ctrl+C sends
        var clock = Stopwatch.StartNew();
        var (exit, output, err) = await Task.Run(() => cli.WaitForExit(TimeSpan.FromMinutes(2)));

        Assert.True(exit == 130, $"exit {exit} after {clock.Elapsed}:\n{output}\n{err}");
        // Moments when idle; not a stop heeded only after this wait (30 s): 9 s tells them apart and leaves a loaded machine
        // room, where 5 s left little.
        Assert.InRange(clock.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(9));
        Assert.DoesNotContain("giving up", output + err);
        Assert.DoesNotContain("retry 2 of 7", output + err);
    }
}
