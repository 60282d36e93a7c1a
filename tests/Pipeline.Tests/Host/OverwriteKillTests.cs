using System.Diagnostics;

namespace Retention.Tests.Host;

/// <summary>
/// `run --overwrite` SIGKILLed while it deletes the earlier results: the sweep holds either every earlier run's files or
/// none of them, never a run with half its files (which `status` and `--resume` then read as a damaged run). The next run
/// removes what the killed deletion left.
/// </summary>
public class OverwriteKillTests() : InTempFolder("overwrite-kill-")
{
    static readonly TimeSpan Limit = TimeSpan.FromMinutes(3);
    const int Folders = 600, FilesEach = 8;

    /// <summary>Whether the bulk folder is still all there (it may go while being looked at).</summary>
    static bool Whole(string bulk)
    {
        try
        {
            return Directory.EnumerateDirectories(bulk).Count() == Folders &&
                   Directory.EnumerateFiles(Directory.EnumerateDirectories(bulk).First()).Count() == FilesEach;
        }
        catch (DirectoryNotFoundException) { return false; }
    }

    [Fact]
    public void A_kill_while_overwrite_deletes_leaves_no_half_deleted_run_and_the_next_run_clears_what_it_left()
    {
        File.WriteAllText(Path.Combine(dir, "syn.yaml"), "name: syn\nsynthetic: {tasks: 2, dims_per_task: 2}\n" +
            "train: {steps: 10, batch_size: 8, log_every: 10}\nsweep: {synthetic.width: [2, 3]}\n");
        Assert.Equal(0, CliProcess.Run(dir, Limit, "run", "syn.yaml", "--no-analysis").Exit);
        // A run folder large enough that deleting it takes a while (a long run's checkpoints and parts, in many files).
        var sweep = Path.Combine(dir, "artifacts", "syn");
        var bulk = Path.Combine(sweep, "runs", "width-2", "bulk");
        for (int d = 0; d < Folders; d++)
        {
            var folder = Directory.CreateDirectory(Path.Combine(bulk, $"d{d:0000}")).FullName;
            for (int f = 0; f < FilesEach; f++) File.WriteAllBytes(Path.Combine(folder, $"f{f}"), [1]);
        }

        using (var overwrite = CliProcess.Start(dir, "run", "syn.yaml", "--no-analysis", "--overwrite"))
        {
            // Killed as soon as the earlier runs start to go: the folder moved away, or its first files deleted.
            var clock = Stopwatch.StartNew();
            while (Whole(bulk))
            {
                Assert.True(clock.Elapsed < Limit, "the overwrite never began");
                Thread.Sleep(1);
            }
            overwrite.KillHard();
        }

        if (Directory.Exists(bulk))
        {
            Assert.Equal(Folders, Directory.EnumerateDirectories(bulk).Count());
            Assert.All(Directory.EnumerateDirectories(bulk), d => Assert.Equal(FilesEach, Directory.EnumerateFiles(d).Count()));
        }
        var again = CliProcess.Run(dir, Limit, "run", "syn.yaml", "--no-analysis");
        Assert.True(again.Exit == 0, again.Err);
        Assert.False(Directory.Exists(Path.Combine(sweep, ".discarded")), "the killed overwrite's leftovers were kept");
        Assert.False(Directory.Exists(bulk));
    }
}
