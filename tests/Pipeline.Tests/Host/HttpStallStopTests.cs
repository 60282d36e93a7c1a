using System.Diagnostics;
using Retention.Tests.Data;
using Retention.Tests.Pipeline;

namespace Retention.Tests.Host;

/// <summary>
/// Ctrl+C while a data command is blocked in a read from a server that sent its headers and part of the shard and then
/// nothing more (no error, so no retry: the read waits up to the 60 s read timeout). `data tokenize` reads on the parallel
/// tokenizer's feeder thread, and a read given no stop token kept it there: the command waited the 10 s it gives its feeder
/// and only then exited (checked by taking the stop token out of tokenize's ShardReader: 10.1 s). With the stop token the
/// retry-wait fix gave the reads (HttpRetryStopTests), both commands end within moments (0.1-0.5 s measured), exit 130,
/// saying interrupted, with nothing left in the folder: this guards that for a blocked read, which no retry wait covers.
/// </summary>
public class HttpStallStopTests() : InTempFolder("http-stall-stop-")
{
    static string Tokenizers => Path.Combine(RepoFiles.PipelinesDirectory, "tokenizers");

    [Theory(Timeout = 180_000)]
    [InlineData("sample", "--docs", "3000", 0.5)]
    [InlineData("tokenize", "--tokenizer", "bpe", 0.5)]
    [InlineData("tokenize", "--tokenizer", "bpe", 0.0)]   // 5 bytes: inside the gzip header, before any document
    public async Task Ctrl_C_during_a_read_from_a_stalled_server_stops_the_command_at_once(string command, string option, string value, double part)
    {
        var gzip = DataFiles.Gzip(DataFiles.Bytes(DataFiles.Lines(DataFiles.Docs("h", 3000))));
        await using var server = new LoopbackHttpServer(new Dictionary<string, byte[]> { ["s.json.gz"] = gzip },
            _ => new HttpReply.Serve(StallAfter: Math.Max(5, (long)(gzip.Length * part))));
        string[] tokenizer = command == "tokenize"
            ? ["--tokenizer-path", Path.Combine(Tokenizers, "bytes-vocab.json"), "--merges-path", Path.Combine(Tokenizers, "bytes-merges.txt")] : [];
        using var cli = CliProcess.Start(dir, ["data", command, server.Url("s.json.gz"), option, value, .. tokenizer, "--out", "out"]);
        cli.WaitUntil(() => server.Requests.Count > 0, TimeSpan.FromMinutes(1), "the request for the shard");
        Thread.Sleep(2000);   // the bytes sent are read, and the reader waits for more

        cli.Signal(2);   // SIGINT, as Ctrl+C sends
        var clock = Stopwatch.StartNew();
        var (exit, output, err) = await Task.Run(() => cli.WaitForExit(TimeSpan.FromMinutes(2)));

        Assert.True(exit == 130, $"exit {exit} after {clock.Elapsed}:\n{output}\n{err}");
        // Not the feeder's 10 s, nor the 60 s read timeout: any bound under 10 s tells them apart, and 9 s leaves a loaded
        // machine (CI's busy 2 cores) room to unwind and exit a cold process, where 5 s left it little.
        Assert.InRange(clock.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(9));
        Assert.Contains("interrupted", err);
        Assert.Single(server.Requests);   // stopped, not retried
        Assert.Empty(Directory.GetFileSystemEntries(dir));   // no output, no staging folder
    }
}
