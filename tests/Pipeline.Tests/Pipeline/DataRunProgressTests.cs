using Retention.Pipeline;
using Retention.Spec;

namespace Retention.Tests.Pipeline;

/// <summary>A data run (experiment: data) trains nothing, so it tells the display its steps carry no loss: its progress line
/// read "step 100/300  loss -  176 steps/s", a loss shown as missing where there is none.</summary>
public class DataRunProgressTests() : InTempFolder("data-run-progress-")
{
    sealed class Recorder : IRunProgress
    {
        public List<(IReadOnlyList<string> Runs, bool ReportsLoss)> Groups { get; } = [];
        public List<double?> Losses { get; } = [];
        public void GroupStarted(IReadOnlyList<string> runIds, bool reportsLoss = true) => Groups.Add((runIds, reportsLoss));
        public void RunStarted(string runId, int index, int count, long totalSteps) { }
        public void Step(string runId, long step, double? trainLoss, DataCounts? data = null) => Losses.Add(trainLoss);
        public void RunFinished(string runId, RunStatus status) { }
        public void Info(string message) { }
    }

    [Fact]
    public async Task A_data_run_says_its_group_reports_no_loss()
    {
        TinyCorpus.WriteShard(dir);
        var file = Path.Combine(dir, "d.yaml");
        var yaml = "name: d\nexperiment: data\n" +
            $"data: {{sources: [{{paths: [shards/*.jsonl]}}], tokenizer: {TinyCorpus.ByteTokenizerYaml()}, packing: {{seq_len: 16, batch_size: 2, held_out_every: 0}}}}\n" +
            "train: {steps: 3}\n";
        File.WriteAllText(file, yaml);
        var progress = new Recorder();
        var result = await PipelineRunner.RunAsync(SpecLoader.LoadText(yaml, file), Path.Combine(dir, "artifacts"), progress,
            CancellationToken.None, dataDirectory: dir, analyze: false);
        Assert.False(result.Interrupted);
        var group = Assert.Single(progress.Groups);
        Assert.Equal(["default"], group.Runs);
        Assert.False(group.ReportsLoss);
        Assert.Equal(3, progress.Losses.Count);
        Assert.All(progress.Losses, l => Assert.Null(l));   // it has none to show
    }
}
