using Retention.Tests.Host;

namespace Retention.Tests.Advice;

/// <summary>`pipeline advise` given a folder that is not a sweep directory refuses it saying what to give, and writes
/// nothing: a folder of sweeps was read as one, joining runs of the same id across its sweeps (a sweep and its copy
/// gave 8 seeds from 2 runs each, past the copy check), and its advice went into an analysis/ folder beside the sweeps;
/// a sweep's runs/ folder, or one with no runs, was said to need an OLMo sweep, also when it was an OLMo sweep's.</summary>
public sealed class AdviseTargetCliTests() : InTempFolder("advise-target-")
{
    static readonly TimeSpan Limit = TimeSpan.FromMinutes(3);

    (int Exit, string Out, string Err) Advise(params string[] args) => CliProcess.Run(dir, Limit, ["advise", .. args]);

    [Fact]
    public async Task A_folder_of_sweeps_is_refused_naming_its_sweeps_and_gets_no_analysis_folder()
    {
        await OlmoSweepFiles.Write(Path.Combine(dir, "sweeps", "a"));
        await OlmoSweepFiles.Write(Path.Combine(dir, "sweeps", "b"));   // the same run ids, as a copy has
        var folder = Advise("sweeps");
        Assert.True(folder.Exit == 2, folder.Out + folder.Err);
        Assert.Contains("is a folder of sweeps", folder.Err);
        Assert.Contains($"pipeline advise {Path.Combine("sweeps", "a")} {Path.Combine("sweeps", "b")}", folder.Err);
        Assert.False(Directory.Exists(Path.Combine(dir, "sweeps", "analysis")));
        // Given as that says, the copy is found.
        var both = Advise(Path.Combine("sweeps", "a"), Path.Combine("sweeps", "b"), "--output", "out");
        Assert.True(both.Exit == 2, both.Out + both.Err);
        Assert.Contains("likely a copy", both.Err);
    }

    [Fact]
    public async Task A_sweeps_runs_folder_or_a_folder_without_runs_is_refused_saying_what_it_is()
    {
        await OlmoSweepFiles.Write(Path.Combine(dir, "sweep"));
        var runs = Advise(Path.Combine("sweep", "runs"), "--output", "out");
        Assert.True(runs.Exit == 2, runs.Out + runs.Err);
        Assert.Contains("is a sweep's runs/ folder; give the sweep directory, sweep", runs.Err);
        Assert.DoesNotContain("OLMo", runs.Err);

        Directory.CreateDirectory(Path.Combine(dir, "empty"));
        var empty = Advise("empty");
        Assert.True(empty.Exit == 2, empty.Out + empty.Err);
        Assert.Contains("holds no runs/ folder: not a sweep directory", empty.Err);
        Assert.False(Directory.Exists(Path.Combine(dir, "empty", "analysis")));
        Assert.False(Directory.Exists(Path.Combine(dir, "out")));

        // A submitted sweep whose tasks have not started: its pipeline.yaml is there, runs/ not yet.
        Directory.CreateDirectory(Path.Combine(dir, "queued"));
        File.WriteAllText(Path.Combine(dir, "queued", "pipeline.yaml"), "name: queued\nexperiment: olmo\n");
        var queued = Advise("queued");
        Assert.True(queued.Exit == 2, queued.Out + queued.Err);
        Assert.Contains("queued: is a sweep none of whose runs has started (no runs/ folder yet); advise once they have trained " +
            "(`pipeline status queued` shows them)", queued.Err);

        var sweep = Advise("sweep", "--output", "out");
        Assert.True(sweep.Exit == 0, sweep.Out + sweep.Err);
    }
}
