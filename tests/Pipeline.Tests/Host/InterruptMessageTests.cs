using System.Runtime.InteropServices;
using Retention.Host;

namespace Retention.Tests.Host;

/// <summary>What the first signal says it will do and what a stop at once (a second Ctrl+C, or the grace period's end)
/// says it leaves, per command: only commands that train a sweep mention the analysis and `run --resume`
/// (CliBehaviourTests sees run's through the CLI).</summary>
public class InterruptMessageTests
{
    [Theory]
    [InlineData("run", true)]
    [InlineData("task", true)]
    [InlineData("data tokenize", false)]
    [InlineData("data sample", false)]
    [InlineData("query", false)]
    [InlineData("bench train", false)]
    public void A_stop_at_once_mentions_resume_and_the_skipped_analysis_only_for_commands_that_train_a_sweep(string command, bool trains)
    {
        var said = Interrupt.AtOnce(command);
        Assert.Equal(trains, said.Contains("--resume"));
        Assert.Equal(trains, said.Contains("no analysis runs"));
        Assert.Equal(trains, Interrupt.WindDown(command).Contains("analysis"));   // what the first signal says it will do
    }

    [Theory]
    // Ctrl+C is pressed again; a `kill` (or a scheduler's SIGTERM) may come from where there is no terminal to press it in.
    [InlineData("run", PosixSignal.SIGINT, "press Ctrl+C again to stop at once")]
    [InlineData("run", PosixSignal.SIGTERM, "a second SIGTERM or Ctrl+C stops at once")]
    [InlineData("data tokenize", PosixSignal.SIGTERM, "a second SIGTERM or Ctrl+C stops at once")]
    [InlineData("run", (PosixSignal)10, "a second signal (Ctrl+C, SIGTERM) stops at once")]
    public void The_way_to_stop_at_once_is_said_in_the_terms_of_the_signal_that_came(string command, PosixSignal signal, string expected) =>
        Assert.Equal(expected, Interrupt.Again(command, signal));

    [Fact]
    public void A_cluster_task_is_told_what_slurm_does_whatever_the_signal()
    {
        foreach (var signal in new[] { PosixSignal.SIGINT, PosixSignal.SIGTERM, (PosixSignal)10 })
            Assert.StartsWith("after scancel's SIGTERM, Slurm kills the task", Interrupt.Again("task", signal));
    }

    [Fact]
    public void A_data_command_says_a_stop_removes_its_unfinished_output_and_a_bench_that_it_records_nothing()
    {
        // Their first stop completes no file: a data command's output is replaced whole or not at all, a bench writes at its end.
        foreach (var data in new[] { "data tokenize", "data sample", "data brown" })
            Assert.Equal("removing the unfinished output; an earlier one stays as it was", Interrupt.WindDown(data));
        Assert.Equal("ending at the next step; nothing is recorded", Interrupt.WindDown("bench train"));
        Assert.Equal("completing the files written so far", Interrupt.WindDown("probe"));
    }

    [Fact]
    public void A_stopped_analysis_says_its_tables_are_replaced_whole_and_how_to_finish()
    {
        var said = Interrupt.AtOnce("analyze");
        Assert.Contains("pipeline analyze", said);
        Assert.DoesNotContain("--resume", said);
    }
}
