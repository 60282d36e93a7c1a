using System.Buffers.Binary;
using System.Diagnostics;
using Retention.Tests.Data;
using Retention.Tests.Pipeline;

namespace Retention.Tests.Host;

/// <summary>
/// A stop while a run waits to retry a shard the server will not give (HTTP 503 every time, Retry-After 30 s): the run's
/// shard reader took no stop token, so it went on retrying (over a minute of waits) and ended with the server's error as a
/// failed run. It now stops within the wait it is in, as an interrupted run (exit 130), for a data run and for an OLMo run
/// (whose held-out documents are read before training), Ctrl+C (SIGINT) or SIGTERM (as scancel and kill send).
/// <para>Only the pre-tokenized source catches a run's shard reader (RunShardReader.For) that drops the stop (checked:
/// both of its cases then exit only when the 120 s grace ends): it is read on a thread the run waits for, and an OLMo run's
/// held-out rows from it with no other token. A text source's tokenizer leaves its feeder inside the source after a stop,
/// so the process ends even while its reader waits on; HttpSourceTests.A_stop_during_a_long_retry_wait... checks the wait
/// itself.</para>
/// </summary>
public class HttpRetryRunStopTests() : InTempFolder("http-retry-run-stop-")
{
    [Theory(Timeout = 180_000)]
    [InlineData("data", "text", 2)]
    [InlineData("olmo", "text", 2)]
    [InlineData("data", "pretokenized", 15)]
    [InlineData("olmo", "pretokenized", 15)]
    public async Task A_stop_during_a_runs_retry_wait_stops_the_run_at_once(string experiment, string format, int signal)
    {
        var (file, bytes, entry) = format == "text"
            ? ("s.json.gz", DataFiles.Gzip(DataFiles.Bytes(DataFiles.Lines(DataFiles.Docs("h", 50)))), "epochs: 0")
            : ("t.bin", Tokens(), "format: pretokenized, token_dtype: uint16, epochs: 0");
        // Every answer asks for a 30 s wait (Retry-After), which the run honours from the first retry: a stop must cut it short.
        await using var server = new LoopbackHttpServer(new Dictionary<string, byte[]> { [file] = bytes }, _ => new HttpReply.Status(503, RetryAfterSeconds: 30));
        string source = $"  sources: [{{paths: ['{server.Url(file)}'], {entry}}}]";
        string[] yaml = experiment == "data"
            ? ["name: p", "experiment: data", "data:", source, $"  tokenizer: {TinyCorpus.ByteTokenizerYaml()}",
               "  packing: {seq_len: 32, batch_size: 4, held_out_every: 0}", "train: {steps: 10}"]
            : [.. TinyCorpus.TinyOlmo(dir, steps: 10).Split('\n').Select(l => l.StartsWith("  sources:") ? source : l)];
        File.WriteAllText(Path.Combine(dir, "p.yaml"), string.Join('\n', yaml) + "\n");

        using var cli = CliProcess.Start(dir, ["run", "p.yaml", "--no-analysis"]);
        // Stopped in the first retry's 30 s wait: longer than the bound below, so a wait that ignored the stop fails the test
        // (a stop in a wait shorter than the bound, as the backoff's 4 s was, passed even then).
        cli.WaitUntil(() => (cli.Output + cli.Error).Contains("retry 1 of 7 in 30 s"), TimeSpan.FromMinutes(1), "the first retry");
        Assert.Single(server.Requests);   // in the wait: one request made, the next 30 s away

        cli.Signal(signal);
        var clock = Stopwatch.StartNew();
        var (exit, output, err) = await Task.Run(() => cli.WaitForExit(TimeSpan.FromMinutes(3)));

        // README: a stop ends the run as interrupted, exit 130, its files completed.
        Assert.True(exit == 130, $"exit {exit} after {clock.Elapsed}:\n{output}\n{err}");
        // Moments when idle; not a stop heeded only after this wait (30 s): 9 s tells them apart and leaves a loaded machine
        // room, where 5 s left little.
        Assert.InRange(clock.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(9));
        Assert.Contains("stopping: completing the files written so far", err);
        Assert.Contains("[0/1 runs completed, 1 interrupted]", output);
        Assert.DoesNotContain("grace period ended", err);
        Assert.DoesNotContain("giving up", output + err);
        Assert.DoesNotContain("retry 2 of 7", output + err);
        Assert.Single(server.Requests);   // the stopped wait made no further request
    }

    /// <summary>Byte-tokenizer ids (below its 257-token vocabulary) with its EOS (256) closing each 8-token document.</summary>
    static byte[] Tokens()
    {
        var bytes = new byte[2 * 400];
        for (int i = 0; i < 400; i++) BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(2 * i), (ushort)(i % 8 == 7 ? 256 : 65 + i % 26));
        return bytes;
    }
}
