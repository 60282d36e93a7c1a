using System.Text.RegularExpressions;
using Retention.Tests.Pipeline;

namespace Retention.Tests.Host;

/// <summary>
/// `pipeline run` of an `experiment: data` run: its progress lines showed "step N/M" and a rate, nothing of how much data had
/// gone through (a data run has no loss to show). Its last step line and its end line now say the documents and tokens
/// read, which are the run's own tables': batches.arrow's documents_consumed at its last step, and its rows × (seq_len + 1).
/// </summary>
public class DataRunCountsCliTests() : InTempFolder("data-run-counts-")
{
    [Fact(Timeout = 180_000)]
    public async Task A_data_runs_last_step_and_end_lines_show_the_documents_and_tokens_its_batches_hold()
    {
        TinyCorpus.WriteShard(dir);
        File.WriteAllText(Path.Combine(dir, "d.yaml"), "name: d\nexperiment: data\n" +
            $"data: {{sources: [{{paths: [shards/*.jsonl]}}], tokenizer: {TinyCorpus.ByteTokenizerYaml()}, packing: {{seq_len: 32, batch_size: 4, held_out_every: 0}}}}\n" +
            "train: {steps: 6}\n");
        var (exit, output, err) = await Task.Run(() => CliProcess.Run(dir, TimeSpan.FromMinutes(2), "run", "d.yaml", "--artifacts", "a", "--no-analysis"));
        Assert.True(exit == 0, output + err);

        var expected = SweepRows.Of(Path.Combine(dir, "a", "d"),
            "SELECT max(documents_consumed), sum(rows * (seq_len + 1)) FROM batches");
        Assert.Equal("6", SweepRows.Of(Path.Combine(dir, "a", "d"), "SELECT count(*) FROM batches"));
        Assert.Equal($"{6 * 4 * 33}", expected.Split(',')[1]);   // every batch whole: 4 rows of 33 tokens

        var last = Regex.Match(output, @"default: step 6/6 documents ([\d,]+) tokens ([\d,]+) \(([\d,]+) tokens/s\)");
        Assert.True(last.Success, output);
        Assert.Equal(expected, $"{Count(last.Groups[1])},{Count(last.Groups[2])}");
        var end = Regex.Match(output, @"default: done: 6 steps in .*; documents ([\d,]+) tokens ([\d,]+) \[1/1 runs completed\]");
        Assert.True(end.Success, output);
        Assert.Equal(expected, $"{Count(end.Groups[1])},{Count(end.Groups[2])}");
        Assert.DoesNotContain("loss", output);
    }

    static long Count(Group digits) => long.Parse(digits.Value.Replace(",", ""));
}
