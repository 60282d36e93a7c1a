using Retention.Host.Commands;

namespace Retention.Tests.Host;

/// <summary>
/// `probe RUN --output SWEEP/runs/RUN/analysis` is refused (a query of the run would read the scan's tables as its analysis
/// tables, named like its own, and refuse the run), but the refusal called it "a sweep's analysis/ folder" that `query` and
/// `analyze` of the sweep would refuse: neither reads a run's analysis/ (only a query of that run does).
/// </summary>
public sealed class ProbeIntoRunsAnalysisTests() : InTempFolder("probe-into-runs-analysis-")
{
    [Fact]
    public void A_runs_own_analysis_folder_is_said_to_be_the_runs()
    {
        var sweep = Path.Combine(dir, "s");
        var run = Directory.CreateDirectory(Path.Combine(sweep, "runs", "a")).FullName;
        File.WriteAllText(Path.Combine(sweep, "pipeline.yaml"), "name: s\n");
        File.WriteAllText(Path.Combine(run, "run.yaml"), "name: a\n");
        var into = Path.Combine(run, "analysis");
        var instead = $"give a folder of its own, e.g. {Path.Combine(run, "scans", "NAME")}, or leave --output out (nothing was run)";

        Assert.Equal($"--output {into}: is a run's analysis/ folder, where `query` of the run would read the scan's tables as the run's " +
                     $"analysis tables (and refuse the run, its own tables having those names); {instead}",
            ProbeTarget.TablesFolderProblem(into, run));
        // The sweep's own analysis/ is still said as the sweep's.
        Assert.StartsWith($"--output {Path.Combine(sweep, "analysis")}: is a sweep's analysis/ folder, where `query` and `analyze` would read",
            ProbeTarget.TablesFolderProblem(Path.Combine(sweep, "analysis"), run));
    }
}
