using System.Buffers.Binary;
using System.Diagnostics;
using Retention.Tests.Data;
using Retention.Tests.Pipeline;

namespace Retention.Tests.Host;

/// <summary>
/// SIGTERM while a run waits to retry a pre-tokenized HTTP file the server will not give (HTTP 503, Retry-After 30 s): the
/// stop reaches that wait only through the run's shard reader (RunShardReader.For's token). A pre-tokenized file is read on
/// a thread the run waits for, and an OLMo run's held-out rows from it with no other token, so a reader without the stop waited out
/// the 30 s, then retried, until the 120 s grace ended the process. A text source cannot show this (HttpRetryRunStopTests):
/// its tokenizer leaves its feeder inside the source after a stop, so the run ends even while the reader waits on.
/// Checked: with RunShardReader.For passing no token, both cases here fail (no exit within the bound).
/// </summary>
public class HttpRetryPretokenizedStopTests() : InTempFolder("http-retry-pretok-stop-")
{
    /// <summary>Byte-tokenizer ids (below its 257-token vocabulary) with its EOS (256) closing each 8-token document.</summary>
    static byte[] Tokens()
    {
        var bytes = new byte[2 * 400];
        for (int i = 0; i < 400; i++) BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(2 * i), (ushort)(i % 8 == 7 ? 256 : 65 + i % 26));
        return bytes;
    }

    [Theory(Timeout = 180_000)]
    [InlineData("data")]
    [InlineData("olmo")]
    public async Task Sigterm_during_a_pretokenized_runs_retry_wait_stops_the_run_at_once(string experiment)
    {
        var files = new Dictionary<string, byte[]> { ["t.bin"] = Tokens() };
        // Every answer asks for a 30 s wait, honoured from the first retry: only the stop can cut it short.
        await using var server = new LoopbackHttpServer(files, _ => new HttpReply.Status(503, RetryAfterSeconds: 30));
        string source = $"  sources: [{{paths: ['{server.Url("t.bin")}'], format: pretokenized, token_dtype: uint16, epochs: 0}}]";
        string[] yaml = experiment == "data"
            ? ["name: p", "experiment: data", "data:", source, $"  tokenizer: {TinyCorpus.ByteTokenizerYaml()}",
               "  packing: {seq_len: 32, batch_size: 4, held_out_every: 0}", "train: {steps: 10}"]
            : [.. TinyCorpus.TinyOlmo(dir, steps: 10).Split('\n').Select(l => l.StartsWith("  sources:") ? source : l)];
        File.WriteAllText(Path.Combine(dir, "p.yaml"), string.Join('\n', yaml) + "\n");

        using var cli = CliProcess.Start(dir, ["run", "p.yaml", "--no-analysis"]);
        cli.WaitUntil(() => (cli.Output + cli.Error).Contains("retry 1 of 7 in 30 s"), TimeSpan.FromMinutes(1), "the first retry");
        Assert.Single(server.Requests);   // in the wait: one request made, the next 30 s away

        cli.Signal(15);   // SIGTERM, as scancel and kill send
        var clock = Stopwatch.StartNew();
        var (exit, output, err) = await Task.Run(() => cli.WaitForExit(TimeSpan.FromMinutes(3)));

        // README: a stop ends the run as interrupted, exit 130, its files completed.
        Assert.True(exit == 130, $"exit {exit} after {clock.Elapsed}:\n{output}\n{err}");
        // Moments when idle; a wait that ignored the stop ends at 30 s (and then retries): 9 s tells them apart with room.
        Assert.InRange(clock.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(9));
        Assert.Contains("stopping: completing the files written so far", err);
        Assert.Contains("[0/1 runs completed, 1 interrupted]", output);
        Assert.DoesNotContain("grace period ended", err);
        Assert.DoesNotContain("retry 2 of 7", output + err);
        Assert.Single(server.Requests);   // the stopped wait made no further request
    }
}
