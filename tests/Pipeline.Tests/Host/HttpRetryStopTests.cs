using System.Diagnostics;
using Retention.Tests.Data;
using Retention.Tests.Pipeline;

namespace Retention.Tests.Host;

/// <summary>
/// Ctrl+C while a data command waits to retry a shard the server will not give (HTTP 503 every time): the command said
/// "stopping: ..." and then went on retrying, up to a minute of waits, and ended with the server's error (exit 1) as if no one
/// had asked it to stop. It now stops within the wait it is in: exit 130, "interrupted", nothing left beside the output.
/// `sample` fails here if the wait ignores the stop; `tokenize` does not (checked: its tokenizer leaves its feeder inside the
/// source after a stop, and the process ends), so HttpSourceTests.A_stop_during_a_long_retry_wait... checks the wait itself.
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
        // Every answer asks for a 30 s wait (Retry-After), which the command honours from the first retry: a stop must cut it
        // short, and one heeded only after the wait (or at the next attempt) comes far past the bound below.
        await using var server = new LoopbackHttpServer(files, _ => new HttpReply.Status(503, RetryAfterSeconds: 30));
        string[] tokenizer = command == "tokenize"
            ? ["--tokenizer-path", Path.Combine(Tokenizers, "bytes-vocab.json"), "--merges-path", Path.Combine(Tokenizers, "bytes-merges.txt")] : [];
        using var cli = CliProcess.Start(dir, ["data", command, server.Url("s.json.gz"), option, value, .. tokenizer, "--out", "out"]);
        // Stopped in the first retry's 30 s wait: longer than the bound below, so a wait that ignored the stop fails the test
        // (a stop in a wait shorter than the bound, as the backoff's 4 s was, passed even then).
        cli.WaitUntil(() => cli.Error.Contains("retry 1 of 7 in 30 s"), TimeSpan.FromMinutes(1), "the first retry");

        cli.Signal(2);   // SIGINT, as Ctrl+C sends
        var clock = Stopwatch.StartNew();
        var (exit, output, err) = await Task.Run(() => cli.WaitForExit(TimeSpan.FromMinutes(2)));

        Assert.True(exit == 130, $"exit {exit} after {clock.Elapsed}:\n{output}\n{err}");
        // Moments when idle. Not a stop heeded only after this wait (30 s), nor `data tokenize`'s 10 s wait for a reader that
        // does not stop: 9 s tells them apart and leaves a loaded machine room, where 5 s left little.
        Assert.InRange(clock.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(9));
        Assert.Contains("interrupted", err);
        Assert.DoesNotContain("giving up", err);
        Assert.DoesNotContain("retry 2 of 7", err);
        // Each retry is a warning on stderr, as a run says it; stdout holds the command's progress and result.
        Assert.Contains("warning: " + server.Url("s.json.gz") + ": HTTP 503 at byte 0; retry 1 of 7 in 30 s", err);
        Assert.DoesNotContain("retry", output);
        Assert.Empty(Directory.GetFileSystemEntries(dir));   // no output, no staging folder
    }
}
