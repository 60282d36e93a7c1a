using Retention.Data;
using Retention.Probes;
using Retention.Spec;
using Retention.Tests.Pipeline;

namespace Retention.Tests.Host;

/// <summary>
/// `pipeline probe RUN --set probes.das.*` on a run without a comparison task (nothing for DAS to align) said
/// "--set probes.das.steps=2: probes.das.task: needs a comparison task in data.tasks to probe", naming a key the user never
/// wrote as if the --set made a wrong spec. It says that there is nothing for DAS to probe, why, and what the YAML needs.
/// </summary>
public sealed class ProbeWithoutItsTaskTests() : InTempFolder("probe-no-task-")
{
    [Fact]
    public void A_das_setting_for_a_run_without_a_comparison_task_says_there_is_nothing_for_DAS_to_probe()
    {
        // A modular-addition-only run: its checkpoint is saved at the end.
        File.WriteAllText(Path.Combine(dir, "tiny.yaml"), TinyCorpus.TinyOlmo(dir) + "\n");
        var train = CliProcess.Run(dir, TimeSpan.FromMinutes(3), "run", "tiny.yaml", "--artifacts", "a", "--no-analysis");
        Assert.True(train.Exit == 0, train.Out + train.Err);
        var runDir = Directory.GetDirectories(Path.Combine(dir, "a", "tiny", "runs")).Single();

        var (exit, output, err) = CliProcess.Run(dir, TimeSpan.FromMinutes(2), "probe", runDir, "--set", "probes.das.steps=2", "--output", "scan");

        Assert.True(exit == 2, output + err);
        Assert.Equal("error: --set probes.das.steps: nothing for DAS to probe: it aligns the rank variable of a comparison task, and the run's " +
            "data.tasks has none (its modular_addition task is the Fourier readout's); DAS probes a run trained with a " +
            "{kind: comparison, ...} entry in data.tasks", err.Trim());
        Assert.False(Directory.Exists(Path.Combine(dir, "scan")));
    }

    static DataSpec Tasks(params string[] kinds) => new() { Tasks = [.. kinds.Select(k => new InjectedTaskSpec { Kind = k })] };

    [Fact]
    public void Only_a_probe_the_run_has_no_task_for_is_refused()
    {
        var comparisonOnly = Tasks(ComparisonTask.KindName);
        Assert.Equal("--set probes.fourier.key_frequencies, --set probes.fourier.position: nothing for the Fourier readout to probe: it reads " +
            "the residues of a modular_addition task, and the run's data.tasks has none (its comparison task is DAS's); the Fourier readout " +
            "probes a run trained with a {kind: modular_addition, ...} entry in data.tasks",
            SiteScan.UnprobedSets(["probes.fourier.key_frequencies=3", "probes.das.steps=5", "probes.fourier.position=tok1"], comparisonOnly));
        Assert.Null(SiteScan.UnprobedSets(["probes.das.steps=5", "device=cpu"], comparisonOnly));
        Assert.Null(SiteScan.UnprobedSets(["probes.das.steps=5", "probes.fourier.key_frequencies=3"],
            Tasks(ComparisonTask.KindName, ModularAdditionTask.KindName)));
        Assert.NotNull(SiteScan.UnprobedSets(["probes.das.rank=2"], Tasks(ModularAdditionTask.KindName)));
    }
}
