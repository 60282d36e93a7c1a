using Retention.Analysis;
using Retention.Pipeline;
using Retention.Spec;
using Retention.Tests.Host;
using Retention.Tests.Pipeline;

namespace Retention.Tests.Analysis;

/// <summary>
/// A sweep of data.packing.held_out_every over data-injection-preview is not warned about: a held-out document leaves the
/// text, not the rows (batch_size rows of seq_len tokens each step) nor the injection schedule, so the runs it separates
/// show alike in the injection_rate table and the cumulative_injections plot, and the quality table's bad lines are judged
/// before a document is held out. Its three analysis items were each named ('has no column held_out_every ... each row
/// mixes runs'), which this checks on a real sweep: the two runs read different documents and inject the same instances.
/// </summary>
public class ShippedDataPreviewHeldOutSweepTests() : InTempFolder("held-out-sweep-")
{
    [Fact]
    public async Task A_held_out_every_sweep_is_not_warned_and_its_runs_inject_alike()
    {
        TinyCorpus.WriteShard(dir);
        // The shipped file on the tiny corpus: 10 steps of 4 rows of 16 tokens (64 a step), f = 0.02 (1.28 instances a step),
        // add every 3 steps; no shipped key but the data source, shape and tasks changed.
        var loaded = SpecLoader.Load(RepoFiles.Pipeline("data-injection-preview.yaml"), "cpu",
        [
            "data.sources=[{name: brown, paths: ['shards/*.jsonl'], shuffle_buffer: 1, epochs: 0}]",
            $"data.tokenizer={TinyCorpus.ByteTokenizerYaml()}",
            "data.packing.seq_len=16", "data.packing.batch_size=4",
            "data.tasks=[{kind: comparison, frequency: 0.02}, {kind: modular_addition, frequency: 0.02, gap: 3}]",
            "train.steps=10",
            "sweep.data.packing.held_out_every=[0,2]",
        ]);
        Assert.True(loaded.AnalysisWarnings.Count == 0, string.Join('\n', loaded.AnalysisWarnings.Select(w => w.Message)));

        var result = await PipelineRunner.RunAsync(loaded, Path.Combine(dir, "artifacts"), SilentProgress.Instance, CancellationToken.None, dataDirectory: dir);
        // What `pipeline analyze` says after the analysis ran: its tables' own columns.
        Assert.Empty(SweptKeyCoverage.Check(loaded.Spec.Analysis, loaded.Spec.Sweep, result.Tables));

        var runs = Directory.GetDirectories(Path.Combine(result.SweepDir, "runs")).Order().ToList();
        Assert.Equal(2, runs.Count);
        var batches = runs.Select(r => ArrowRows.Read(Path.Combine(r, "batches.arrow"))).ToList();
        // Holding one document in two out, the run read further into the shard for its 10 steps.
        Assert.NotEqual(batches[0][^1]["documents_consumed"], batches[1][^1]["documents_consumed"]);
        // What the table and plot read of batches (step, rows, seq_len) and all of injections are the same in both runs.
        static string Shape(Dictionary<string, object?> b) => $"{b["step"]} {b["rows"]} {b["seq_len"]}";
        Assert.Equal(batches[0].Select(Shape), batches[1].Select(Shape));
        var injections = runs.Select(r => ArrowRows.Read(Path.Combine(r, "injections.arrow"))
            .Select(i => string.Join(' ', i.OrderBy(c => c.Key).Select(c => $"{c.Key}={c.Value}"))).ToList()).ToList();
        Assert.NotEmpty(injections[0]);
        Assert.Equal(injections[0], injections[1]);
        // So injection_rate shows one row per task, over both runs.
        var rate = result.Tables.Single(t => t.Name == "injection_rate").Result;
        Assert.Equal(["add", "cmp"], rate.Column("task"));
        Assert.Equal([2L, 2L], rate.Column("runs").Select(Convert.ToInt64));
        // Read from the runs' tasks.arrow, each task's count in 10 steps of 64 tokens, by hand: cmp floor(1.28 · 10) = 12;
        // add, injected at steps 3, 6 and 9, floor(1.28 · 9) = 11 (not floor(0.02 · 640) = 12).
        Assert.Equal([11L, 12L], rate.Column("expected").Select(Convert.ToInt64));
        Assert.Equal([11L, 12L], rate.Column("instances").Select(Convert.ToInt64));
    }
}
