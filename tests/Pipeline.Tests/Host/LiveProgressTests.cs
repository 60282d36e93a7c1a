using Retention.Host.Output;
using Retention.Pipeline;
using Spectre.Console.Testing;

namespace Retention.Tests.Host;

public class LiveProgressTests
{
    /// <summary>Run ids and counts with brackets must be shown as text, not read as Spectre markup
    /// (the live display once crashed on "[1/10] width-8"); the sweep row counts runs; messages are
    /// kept out of the live rows and printed whole at the end.</summary>
    [Fact]
    public async Task ShowsTheSweepAndRunsWithBracketsAsTextAndPrintsMessagesAfterTheDisplay()
    {
        var console = new TestConsole().Interactive().EmitAnsiSequences();
        var progress = new LiveProgress(console);
        var result = await progress.RunAsync(async p =>
        {
            p.GroupStarted(["width-8_[red]"]);
            p.RunStarted("width-8_[red]", 0, 10, 100);
            p.Info("done [ok]");
            // The refresh thread draws when it runs: poll for the rows, with a generous deadline. TestConsole's
            // output is a StringBuilder the refresh thread appends to, so a read can tear (it threw once): retry it.
            string Snapshot()
            {
                while (true)
                    try { return console.Output; }
                    catch (ArgumentOutOfRangeException) { }
            }
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var drawn = Snapshot();
            while (!(drawn.Contains("width-8_[red]") && drawn.Contains("sweep: 0/10 runs completed, 1 running, 9 queued"))
                && clock.Elapsed < TimeSpan.FromMinutes(1))
            {
                await Task.Delay(20);
                drawn = Snapshot();
            }
            Assert.Contains("width-8_[red]", drawn);
            Assert.Contains("sweep: 0/10 runs completed, 1 running, 9 queued", drawn);
            for (int s = 1; s <= 100; s++) p.Step("width-8_[red]", s, s == 50 ? 0.25 : null);
            p.RunFinished("width-8_[red]", RunStatus.Completed(100, 1.0));
            return 42;
        });
        Assert.Equal(42, result);
        var lines = console.Output.Split('\n');
        Assert.Contains(lines, l => l.Contains("done [ok]") && !l.Contains("sweep:"));   // a line of its own, not inside a progress row
        Assert.Contains("1/10 runs completed", console.Output);
    }

    /// <summary>A note goes to stderr, where every command writes its notes, not among the progress lines on stdout; the live
    /// display writes it there once it ends (lines under it would garble its rows).</summary>
    [Fact]
    public async Task Notes_go_to_stderr_in_both_displays()
    {
        var (output, errors) = (new StringWriter(), new StringWriter());
        var plain = new PlainProgress(TimeSpan.Zero, output, errors);
        plain.Info("artifacts: a");
        plain.Note("removed a.tmp");
        Assert.Equal("artifacts: a\n", output.ToString().ReplaceLineEndings("\n"));
        Assert.Equal("note: removed a.tmp\n", errors.ToString().ReplaceLineEndings("\n"));

        var console = new TestConsole().Interactive();
        var liveErrors = new StringWriter();
        await new LiveProgress(console, liveErrors).RunAsync(p =>
        {
            p.Note("removed b.tmp");
            Assert.Equal("", liveErrors.ToString());   // not while the display is drawn
            return Task.FromResult(0);
        });
        Assert.Equal("note: removed b.tmp\n", liveErrors.ToString().ReplaceLineEndings("\n"));
        Assert.DoesNotContain("removed b.tmp", console.Output.Split('\n').Where(l => !l.Contains("sweep:")));
    }

    /// <summary>A run's warning (no validation row, DAS on a model that does not do the task) goes to stderr as a note does:
    /// stdout holds the run's progress and results.</summary>
    [Fact]
    public async Task Warnings_go_to_stderr_in_both_displays()
    {
        var (output, errors) = (new StringWriter(), new StringWriter());
        var plain = new PlainProgress(TimeSpan.Zero, output, errors);
        plain.Info("artifacts: a");
        ((IRunProgress)plain).Warning("seed-0: no validation row");   // as a run calls it, through the interface
        Assert.Equal("artifacts: a\n", output.ToString().ReplaceLineEndings("\n"));
        Assert.Equal("warning: seed-0: no validation row\n", errors.ToString().ReplaceLineEndings("\n"));

        var console = new TestConsole().Interactive();
        var liveErrors = new StringWriter();
        await new LiveProgress(console, liveErrors).RunAsync(p =>
        {
            p.Warning("seed-1: no validation row");
            Assert.Equal("", liveErrors.ToString());   // not while the display is drawn
            return Task.FromResult(0);
        });
        Assert.Equal("warning: seed-1: no validation row\n", liveErrors.ToString().ReplaceLineEndings("\n"));
        Assert.DoesNotContain("no validation row", console.Output.Split('\n').Where(l => !l.Contains("sweep:")));
    }

    [Fact]
    public void Redirected_logs_print_one_line_per_group_trained_together()
    {
        var output = new StringWriter();
        var progress = new PlainProgress(TimeSpan.Zero, output);
        string[] group = ["width-2", "width-4", "width-8"];
        progress.GroupStarted(group);
        for (int i = 0; i < 3; i++) progress.RunStarted(group[i], i, 4, 10);
        for (int s = 1; s <= 10; s++)
            for (int i = 0; i < 3; i++) progress.Step(group[i], s, s == 10 ? i + 1.0 : null);
        foreach (var run in group) progress.RunFinished(run, RunStatus.Completed(10, 1));
        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("[1,2,3/4] width-2 … width-8 (3 runs): 10 steps", lines[0]);
        Assert.Equal(10, lines.Count(l => l.Contains("(3 runs): step")));   // one per step, not three
        Assert.Contains("loss 1–3", lines.Single(l => l.Contains("step 10/10")));
        Assert.Contains(lines, l => l.Contains("done: 10 steps") && l.Contains("[3/4 runs completed]"));
    }

    [Fact]
    public void A_redirected_log_shows_the_first_step_at_once_then_steps_at_its_interval_and_the_last()
    {
        // An interval no test reaches: only the first step and the last may print. Without the first, a run whose
        // source stalls after a few batches printed no step until its stall retry a minute later.
        var output = new StringWriter();
        var progress = new PlainProgress(TimeSpan.FromHours(1), output);
        progress.GroupStarted(["seed-0"]);
        progress.RunStarted("seed-0", 0, 1, 50);
        for (int s = 1; s <= 50; s++) progress.Step("seed-0", s, null);
        var steps = output.ToString().Split('\n').Where(l => l.Contains(": step ")).ToList();
        Assert.Equal(2, steps.Count);
        Assert.Contains("seed-0: step 1/50 ", steps[0]);
        Assert.Contains("seed-0: step 50/50 ", steps[1]);
    }

    [Fact]
    public void A_loss_logged_at_an_earlier_step_says_its_step()
    {
        // An OLMo run reads its loss at logging steps only (train.log_every: 250); before, the line read
        // "step 223/250 loss 5.879" with step 1's loss, as if it were step 223's.
        var output = new StringWriter();
        var progress = new PlainProgress(TimeSpan.Zero, output);
        progress.GroupStarted(["preset-4M"]);
        progress.RunStarted("preset-4M", 0, 1, 250);
        progress.Step("preset-4M", 1, 5.879);
        progress.Step("preset-4M", 223, null);
        progress.Step("preset-4M", 250, 2.655);
        var steps = output.ToString().Split('\n').Where(l => l.Contains(": step ")).ToList();
        Assert.Contains("step 1/250 loss 5.879 ", steps[0]);
        Assert.Contains("step 223/250 loss 5.879 (step 1) ", steps[1]);
        Assert.Contains("step 250/250 loss 2.655 ", steps[2]);
    }

    [Fact]
    public async Task The_live_display_says_the_step_of_a_loss_logged_earlier()
    {
        var console = new TestConsole().Interactive();
        var progress = new LiveProgress(console);
        string? description = null;
        await progress.RunAsync(p =>
        {
            p.GroupStarted(["preset-4M"]);
            p.RunStarted("preset-4M", 0, 1, 250);
            p.Step("preset-4M", 1, 5.879);
            p.Step("preset-4M", 100, null);   // a multiple of 50 redraws the row without a new loss
            description = progress.RowTexts.Single();
            p.RunFinished("preset-4M", RunStatus.Completed(250, 1.0));
            return Task.FromResult(0);
        });
        Assert.Contains("step 100/250  loss 5.879 (step 1)  ", description);
    }

    [Fact]
    public async Task A_run_that_trains_nothing_shows_no_loss()
    {
        // experiment: data reports steps and never a loss; its rows read "step 100/300  loss -  176 steps/s".
        var console = new TestConsole().Interactive();
        var progress = new LiveProgress(console);
        string? description = null;
        await progress.RunAsync(p =>
        {
            p.GroupStarted(["default"], reportsLoss: false);
            p.RunStarted("default", 0, 1, 300);
            for (int s = 1; s <= 100; s++) p.Step("default", s, null);
            description = progress.RowTexts.Single();
            p.RunFinished("default", RunStatus.Completed(300, 1.0));
            return Task.FromResult(0);
        });
        Assert.StartsWith("default  step 100/300  ", description);
        Assert.DoesNotContain("loss", description);
        Assert.Contains("steps/s", description);
    }

    [Fact]
    public void A_redirected_log_of_a_run_that_trains_nothing_shows_no_loss()
    {
        var output = new StringWriter();
        var progress = new PlainProgress(TimeSpan.Zero, output);
        progress.GroupStarted(["default"], reportsLoss: false);
        progress.RunStarted("default", 0, 1, 3);
        for (int s = 1; s <= 3; s++) progress.Step("default", s, null);
        var steps = output.ToString().Split('\n').Where(l => l.Contains(": step ")).ToList();
        Assert.Equal(3, steps.Count);
        Assert.All(steps, l => Assert.DoesNotContain("loss", l));
        Assert.StartsWith("  default: step 3/3 ", steps[2]);
        Assert.Contains(" ETA ", steps[2]);
    }

    [Fact]
    public void A_training_run_before_its_first_loss_still_says_it_has_none_yet()
    {
        // Only a run that trains nothing drops the loss: a training run's "loss -" is a loss not logged yet.
        var output = new StringWriter();
        var progress = new PlainProgress(TimeSpan.Zero, output);
        progress.GroupStarted(["seed-0"]);
        progress.RunStarted("seed-0", 0, 1, 2);
        progress.Step("seed-0", 1, null);
        Assert.Contains("seed-0: step 1/2 loss - ", output.ToString());
    }

    [Fact]
    public void A_group_end_line_counts_the_groups_ended_so_far_when_groups_end_side_by_side()
    {
        // --jobs 2: two groups of two runs stopped together, their runs' ends interleaved.
        var output = new StringWriter();
        var progress = new PlainProgress(TimeSpan.Zero, output);
        string[] first = ["a-1", "a-2"], second = ["b-1", "b-2"];
        progress.GroupStarted(first);
        progress.GroupStarted(second);
        string[] all = [.. first, .. second];
        for (int i = 0; i < 4; i++) progress.RunStarted(all[i], i, 4, 100);
        var stopped = new RunStatus("interrupted", 40, 1.0);
        foreach (var run in new[] { "a-1", "b-1", "b-2", "a-2" }) progress.RunFinished(run, stopped);
        var ends = output.ToString().Split('\n').Where(l => l.Contains("interrupted at step")).ToList();
        Assert.Equal(2, ends.Count);
        Assert.Contains("b-1 … b-2 (2 runs)", ends[0]);
        Assert.EndsWith("[0/4 runs completed, 2 interrupted]", ends[0]);   // its own two runs, not a-1 beside them
        Assert.EndsWith("[0/4 runs completed, 4 interrupted]", ends[1]);
    }
}
