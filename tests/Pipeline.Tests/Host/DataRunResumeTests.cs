using Retention.Tests.Data;
using Retention.Tests.Pipeline;

namespace Retention.Tests.Host;

/// <summary>
/// `pipeline run FILE --resume` of an `experiment: data` run stopped mid-run: a data run saves no checkpoint, so the
/// resume produces its batches again from the first. It did so without a word, although `run --help` promises that a
/// run without a checkpoint "trains from step 0 and says so"; it now says it as other runs without one do, and its
/// tables equal an uninterrupted run's.
/// </summary>
public class DataRunResumeTests() : InTempFolder("data-run-resume-")
{
    static readonly TimeSpan Limit = TimeSpan.FromMinutes(3);

    [Fact(Timeout = 240_000)]
    public async Task A_data_run_stopped_mid_run_is_resumed_from_step_0_saying_so_with_tables_equal_to_an_uninterrupted_runs()
    {
        var gzip = DataFiles.Gzip(DataFiles.Bytes(DataFiles.Lines(DataFiles.Docs("h", 400, textLength: 40))));
        // The stopped attempt's read trickles in (256 bytes every 0.5 s, so that batches keep coming until a progress line,
        // printed every 5 s, shows one) and stalls a third of the way into the shard, so it is stopped mid-run; every other
        // request is served whole.
        var stall = true;
        await using var server = new LoopbackHttpServer(new Dictionary<string, byte[]> { ["s.json.gz"] = gzip },
            _ => Volatile.Read(ref stall) ? new HttpReply.Serve(StallAfter: gzip.Length / 3, Trickle: TimeSpan.FromMilliseconds(500)) : HttpReply.Normal);
        File.WriteAllText(Path.Combine(dir, "p.yaml"), string.Join('\n',
            "name: p", "experiment: data",
            "data:",
            $"  sources: [{{paths: ['{server.Url("s.json.gz")}'], shuffle_buffer: 8, epochs: 0}}]",
            $"  tokenizer: {TinyCorpus.ByteTokenizerYaml()}",
            "  packing: {seq_len: 16, batch_size: 4, held_out_every: 10}",
            "  tasks: [{kind: modular_addition, frequency: 0.02}]",
            "train: {steps: 300}") + "\n");

        using (var stopped = CliProcess.Start(dir, "run", "p.yaml", "--artifacts", "cut", "--no-analysis"))
        {
            await Task.Run(() => stopped.WaitForStep(1, Limit));   // batches made, then the stalled read waits
            stopped.Signal(2);
            var (exit, output, err) = await Task.Run(() => stopped.WaitForExit(Limit));
            Assert.True(exit == 130, $"exit {exit}:\n{output}\n{err}");
        }
        Volatile.Write(ref stall, false);
        var status = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "cut", "p", "runs", "default", "status.json"))).RootElement;
        Assert.Equal("interrupted", status.GetProperty("state").GetString());
        Assert.InRange(status.GetProperty("steps").GetInt64(), 1, 299);   // stopped mid-run

        var resumed = await Task.Run(() => CliProcess.Run(dir, Limit, "run", "p.yaml", "--artifacts", "cut", "--no-analysis", "--resume"));
        Assert.True(resumed.Exit == 0, resumed.Out + resumed.Err);
        Assert.Single(resumed.Out.Split('\n'), l => l.Contains(
            "default: no checkpoint to resume from; producing its batches again from the first (experiment: data saves none"));
        Assert.DoesNotContain("training", resumed.Out);   // a data run trains nothing

        var whole = await Task.Run(() => CliProcess.Run(dir, Limit, "run", "p.yaml", "--artifacts", "whole", "--no-analysis"));
        Assert.True(whole.Exit == 0, whole.Out + whole.Err);
        Assert.DoesNotContain("no checkpoint to resume from", whole.Out);   // a first run has nothing to say
        foreach (var sql in new[] {
            "SELECT * FROM batches ORDER BY step",
            "SELECT * FROM sources ORDER BY step, source",
            "SELECT step, row, \"offset\", task, instance_id FROM injections ORDER BY step, row, \"offset\"",
            "SELECT * FROM data_quality" })
            Assert.Equal(SweepRows.Of(Path.Combine(dir, "whole", "p"), sql), SweepRows.Of(Path.Combine(dir, "cut", "p"), sql));
        Assert.Equal("300", SweepRows.Of(Path.Combine(dir, "cut", "p"), "SELECT count(*) FROM batches"));
    }
}
