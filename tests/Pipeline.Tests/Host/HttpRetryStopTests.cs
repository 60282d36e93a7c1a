using System.Diagnostics;
using Retention.Tests.Data;
using Retention.Tests.Pipeline;

namespace Retention.Tests.Host;

/// <summary>
/// Ctrl+C while a data command waits to retry a shard the server will not give (HTTP 503 every time): the command said
/// "stopping: ..." and then went on retrying, up to a minute of waits, and ended with the server's error (exit 1) as if no one
/// had asked it to stop. It now stops within the wait it is in: exit 130, "interrupted", nothing left beside the output.
/// </summary>
public class HttpRetryStopTests() : InTempFolder("http-retry-stop-")
{
    static string Tokenizers => Path.Combine(RepoFiles.PipelinesDirectory, "tokenizers");

    [Theory(Timeout = 180_000)]
    [InlineData("sample", "--docs", "3")]
    [InlineData("tokenize", "--tokenizer", "bpe")]
    public async Task Ctrl_C_during_a_retry_wait_stops_the_command_at_once(string command, string option, string value)
    {
        var files = new Dictionary<string, byte[]> { ["s.json.gz"] = DataFiles.Gzip(DataFiles.Bytes(DataFiles.Lines(DataFiles.Docs("h", 20)))) };
        await using var server = new LoopbackHttpServer(files, _ => new HttpReply.Status(503));
        string[] tokenizer = command == "tokenize"
            ? ["--tokenizer-path", Path.Combine(Tokenizers, "bytes-vocab.json"), "--merges-path", Path.Combine(Tokenizers, "bytes-merges.txt")] : [];
        using var cli = CliProcess.Start(dir, ["data", command, server.Url("s.json.gz"), option, value, .. tokenizer, "--out", "out"]);
        // The third failure waits 2 s, the fourth 4 s, ... 30 s: over a minute in all before the command gives up. Stopped in
        // the fourth's 4 s wait, so that the bound below leaves a loaded machine room and still tells a stop heeded late.
        cli.WaitUntil(() => cli.Error.Contains("retry 4 of 7"), TimeSpan.FromMinutes(1), "the fourth retry");

        cli.Signal(2);   // SIGINT, as Ctrl+C sends
        var clock = Stopwatch.StartNew();
        var (exit, output, err) = await Task.Run(() => cli.WaitForExit(TimeSpan.FromMinutes(2)));

        Assert.True(exit == 130, $"exit {exit} after {clock.Elapsed}:\n{output}\n{err}");
        // Moments when idle. Not a stop heeded only after the next retry's wait (this one's 4 s, then 8 s), nor `data tokenize`'s
        // 10 s wait for a reader that does not stop: 9 s tells them apart and leaves a loaded machine room, where 5 s left little.
        Assert.InRange(clock.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(9));
        Assert.Contains("interrupted", err);
        Assert.DoesNotContain("giving up", err);
        Assert.DoesNotContain("retry 5 of 7", err);
        // Each retry is a warning on stderr, as a run says it; stdout holds the command's progress and result.
        Assert.Contains("warning: " + server.Url("s.json.gz") + ": HTTP 503 at byte 0; retry 1 of 7", err);
        Assert.DoesNotContain("retry", output);
        Assert.Empty(Directory.GetFileSystemEntries(dir));   // no output, no staging folder
    }
}
