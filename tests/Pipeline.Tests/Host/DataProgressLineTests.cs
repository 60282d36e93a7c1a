using Retention.Host.Output;
using Retention.Pipeline;
using Spectre.Console.Testing;

namespace Retention.Tests.Host;

/// <summary>A data run's progress line says the documents and tokens read so far where a training run's says its loss,
/// and the tokens' rate; its end line says what the run read in all. A training run's lines are as they were.</summary>
public class DataProgressLineTests
{
    [Fact]
    public void The_counts_read_as_name_value_pairs_with_digits_grouped()
    {
        Assert.Equal("documents 0 tokens 0", DataCountsText.Of(new DataCounts(0, 0)));
        Assert.Equal("documents 1,204 tokens 1,234,567,890 (51,200 tokens/s)",
            DataCountsText.Of(new DataCounts(1204, 1_234_567_890), 51_200.4));
    }

    [Fact]
    public void A_redirected_data_run_shows_its_counts_and_tokens_per_second_on_its_step_lines_and_its_end_line()
    {
        var output = new StringWriter();
        var progress = new PlainProgress(TimeSpan.Zero, output);
        progress.GroupStarted(["default"], reportsLoss: false);
        progress.RunStarted("default", 0, 1, 2);
        progress.Step("default", 1, null, new DataCounts(3, 132));
        Thread.Sleep(20);   // a rate needs time between two steps
        progress.Step("default", 2, null, new DataCounts(7, 264));
        progress.RunFinished("default", RunStatus.Completed(2, 1.0));
        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("  default: step 1/2 documents 3 tokens 132 - steps/s ETA --:--:--", lines[1]);   // no rate yet
        Assert.Matches(@"^  default: step 2/2 documents 7 tokens 264 \([\d,]+ tokens/s\) \S+ steps/s ETA 00:00:00$", lines[2]);
        Assert.Equal("  default: done: 2 steps in 1.0s (2 steps/s overall, first step and table writing included); " +
                     "documents 7 tokens 264 [1/1 runs completed]", lines[3]);
    }

    [Fact]
    public void A_data_run_stopped_early_says_what_it_had_read()
    {
        var output = new StringWriter();
        var progress = new PlainProgress(TimeSpan.Zero, output);
        progress.GroupStarted(["default"], reportsLoss: false);
        progress.RunStarted("default", 0, 1, 10);
        progress.Step("default", 1, null, new DataCounts(2, 66));
        progress.RunFinished("default", new RunStatus("interrupted", 1, 0.5));
        Assert.EndsWith("  default: interrupted at step 1 after 0.5s; documents 2 tokens 66 [0/1 runs completed, 1 interrupted]",
            output.ToString().TrimEnd());
    }

    [Fact]
    public void A_training_runs_lines_show_no_counts()
    {
        var output = new StringWriter();
        var progress = new PlainProgress(TimeSpan.Zero, output);
        progress.GroupStarted(["seed-0"]);
        progress.RunStarted("seed-0", 0, 1, 1);
        progress.Step("seed-0", 1, 2.5);
        progress.RunFinished("seed-0", RunStatus.Completed(1, 1.0));
        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("  seed-0: step 1/1 loss 2.5 - steps/s ETA --:--:--", lines[1]);
        Assert.Equal("  seed-0: done: 1 step in 1.0s (1 steps/s overall, first step and table writing included) [1/1 runs completed]", lines[2]);
    }

    /// <summary>On a terminal the totals were nowhere once the display ended (its rows are cleared): only a redirected log
    /// said them. The same end line as that log's, without its tally (the display ends with its own).</summary>
    [Fact]
    public async Task The_live_display_ends_with_a_completed_data_runs_totals()
    {
        var console = new TestConsole().Interactive();
        console.Profile.Width = 200;   // the line whole, not wrapped at the test console's 80 columns
        await new LiveProgress(console).RunAsync(p =>
        {
            p.GroupStarted(["default"], reportsLoss: false);
            p.RunStarted("default", 0, 1, 2);
            p.Step("default", 1, null, new DataCounts(3, 132));
            p.Step("default", 2, null, new DataCounts(7, 264));
            p.RunFinished("default", RunStatus.Completed(2, 1.0));
            return Task.FromResult(0);
        });
        var lines = console.Output.ReplaceLineEndings("\n").Split('\n').Select(l => l.Trim()).ToList();   // the cleared display leaves blanks
        var end = lines.IndexOf("default: done: 2 steps in 1.0s (2 steps/s overall, first step and table writing included); documents 7 tokens 264");
        Assert.True(end >= 0, console.Output);
        Assert.Equal("1/1 runs completed", lines[end + 1]);
    }

    [Fact]
    public async Task The_live_display_says_no_end_line_for_a_completed_training_run()
    {
        var console = new TestConsole().Interactive();
        console.Profile.Width = 200;
        await new LiveProgress(console).RunAsync(p =>
        {
            p.GroupStarted(["seed-0"]);
            p.RunStarted("seed-0", 0, 1, 1);
            p.Step("seed-0", 1, 2.5);
            p.RunFinished("seed-0", RunStatus.Completed(1, 1.0));
            return Task.FromResult(0);
        });
        Assert.DoesNotContain("done:", console.Output);   // as before: its results are its tables
        Assert.Contains("1/1 runs completed", console.Output);
    }

    [Fact]
    public async Task The_live_display_shows_a_data_runs_counts_in_its_row()
    {
        var console = new TestConsole().Interactive();
        var progress = new LiveProgress(console);
        string? description = null;
        await progress.RunAsync(p =>
        {
            p.GroupStarted(["default"], reportsLoss: false);
            p.RunStarted("default", 0, 1, 300);
            for (int s = 1; s <= 50; s++) p.Step("default", s, null, new DataCounts(s / 10, s * 66L));
            description = progress.RowTexts.Single();
            p.RunFinished("default", RunStatus.Completed(300, 1.0));
            return Task.FromResult(0);
        });
        Assert.StartsWith("default  step 50/300  documents 5 tokens 3,300 (", description);
        Assert.Contains(" tokens/s)  ", description);
        Assert.DoesNotContain("loss", description);
    }
}
