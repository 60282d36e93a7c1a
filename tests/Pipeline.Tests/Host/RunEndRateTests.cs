using System.Globalization;
using System.Text.RegularExpressions;
using Retention.Host.Output;
using Retention.Pipeline;
using Retention.Tests.Pipeline;

namespace Retention.Tests.Host;

/// <summary>A run's end line divides its steps by its whole time (first step and tables' writing included), which on a short run
/// is well below the progress line's rate (timed between steps): a 20-step run said 738 steps/s while running and
/// "(139 steps/s)" at its end, unexplained. The end line now names the rate as that ("overall, first step and table
/// writing included"), and a rate below 10 keeps two figures as the progress line's does.</summary>
public class RunEndRateTests() : InTempFolder("run-end-rate-")
{
    static string EndLine(RunStatus status)
    {
        var output = new StringWriter();
        var progress = new PlainProgress(TimeSpan.Zero, output);
        progress.GroupStarted(["r"]);
        progress.RunStarted("r", 0, 1, status.Steps);
        progress.RunFinished("r", status);
        return output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Single(l => l.Contains("done"));
    }

    [Fact]
    public void The_end_line_names_its_rate_as_over_the_whole_run()
    {
        // 20 / 0.27 = 74.07; 40 / 2.0 = 20 (the steps of this attempt); 5 / 2.0 = 2.5.
        Assert.Contains("r: done: 20 steps in 0.3s (74 steps/s overall, first step and table writing included)", EndLine(RunStatus.Completed(20, 0.27)));
        Assert.Contains("done: 100 steps, 40 of them after resuming at 60, in 2.0s (20 steps/s overall, first step and table writing included)",
            EndLine(new RunStatus("completed", 100, 2.0, FromStep: 60)));
        Assert.Contains("done: 5 steps in 2.0s (2.5 steps/s overall, first step and table writing included)", EndLine(RunStatus.Completed(5, 2.0)));
    }

    /// <summary>A one-step run read "[1/1] r: 1 steps" and "done: 1 steps in 1.0s (1 steps/s ...)": the count is singular now,
    /// the rate stays plural, and the data counts after it are untouched.</summary>
    [Fact]
    public void A_one_step_run_says_1_step_and_keeps_the_rate_plural()
    {
        var output = new StringWriter();
        var progress = new PlainProgress(TimeSpan.Zero, output);
        progress.GroupStarted(["r"], reportsLoss: false);
        progress.RunStarted("r", 0, 1, 1);
        progress.Step("r", 1, null, new DataCounts(1, 5));
        progress.RunFinished("r", RunStatus.Completed(1, 1.0));
        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("[1/1] r: 1 step", lines[0]);
        Assert.Equal("  r: done: 1 step in 1.0s (1 steps/s overall, first step and table writing included); documents 1 tokens 5 [1/1 runs completed]",
            lines[^1]);
        Assert.Contains("done: 2 steps in 1.0s (2 steps/s overall", EndLine(RunStatus.Completed(2, 1.0)));   // plural from 2 on
    }

    /// <summary>The same through the CLI: a data run of one step.</summary>
    [Fact]
    public void A_one_step_data_run_says_1_step_from_its_first_line_to_its_end()
    {
        TinyCorpus.WriteShard(dir);
        File.WriteAllText(Path.Combine(dir, "d.yaml"), "name: d\nexperiment: data\n" +
            $"data: {{sources: [{{paths: [shards/*.jsonl]}}], tokenizer: {TinyCorpus.ByteTokenizerYaml()}, packing: {{seq_len: 32, batch_size: 4, held_out_every: 0}}}}\n" +
            "train: {steps: 1}\n");
        var (exit, output, err) = CliProcess.Run(dir, TimeSpan.FromMinutes(2), "run", "d.yaml", "--artifacts", "a", "--no-analysis");
        Assert.True(exit == 0, output + err);
        Assert.Contains("] default: 1 step\n", output);
        Assert.Matches(@"default: done: 1 step in [0-9.]+s \([0-9.]+ steps/s overall, first step and table writing included\); documents \d+ tokens 132 \[", output);
        Assert.DoesNotMatch(@"(?<![0-9.,])1 steps\b(?!/)", output);
    }

    [Fact]
    public void A_run_says_its_steps_over_its_seconds()
    {
        File.WriteAllText(Path.Combine(dir, "p.yaml"), "name: p\nsynthetic: {tasks: 2, dims_per_task: 2, width: 2}\ntrain: {steps: 20, batch_size: 8, log_every: 10}\n");
        var (exit, output, err) = CliProcess.Run(dir, TimeSpan.FromMinutes(2), "run", "p.yaml");
        Assert.True(exit == 0, output + err);

        var m = Regex.Match(output, @"done: (\d+) steps in ([0-9.]+)s \(([0-9.]+) steps/s overall, first step and table writing included\)");
        Assert.True(m.Success, output);
        var (steps, seconds, rate) = (double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture),
            double.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture), double.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture));
        Assert.Equal(20, steps);
        // The printed seconds are rounded to 0.1 and the rate to a whole number (two figures below 10): the rate lies between
        // the steps over the largest and the smallest time that rounds to the printed one, each give or take its rounding.
        Assert.InRange(rate, steps / (seconds + 0.05) - 0.5, seconds > 0.05 ? steps / (seconds - 0.05) + 0.5 : double.MaxValue);
    }
}
