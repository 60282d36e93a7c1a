namespace Retention.Tests.Host;

/// <summary>
/// `probe RUN --output DIR` where DIR is a folder whose tables the sweep's readers take as its own. The run's directory, with
/// --overwrite, had its das.arrow and fourier.arrow (the probes' rows over training) replaced by the scan's, exit 0, those rows
/// lost; a sweep's analysis/ took the scan's tables as analysis tables named like the runs', and `query` of the sweep then
/// failed on them. Both are refused before the run is read, exit 2, and nothing changes.
/// </summary>
[Collection("probed-run")]
public sealed class ProbeOutputIntoSweepTests(ProbedRun trained) : InTempFolder("probe-into-sweep-")
{
    static readonly TimeSpan Limit = TimeSpan.FromMinutes(4);

    [Fact]
    public void An_output_that_is_a_runs_directory_or_a_sweeps_analysis_folder_is_refused_and_nothing_changes()
    {
        var runDir = trained.CopyTo(dir);
        var sweep = Path.GetDirectoryName(Path.GetDirectoryName(runDir))!;
        var analysis = Path.Combine(sweep, "analysis");
        var das = File.ReadAllBytes(Path.Combine(runDir, "das.arrow"));
        var fourier = File.ReadAllBytes(Path.Combine(runDir, "fourier.arrow"));
        var before = Entries();
        string[] scan = ["probe", runDir, "--layers", "0", "--positions", "tok1"];
        var instead = $"give a folder of its own, e.g. {Path.Combine(runDir, "scans", "NAME")}, or leave --output out (nothing was run)";

        var intoRun = CliProcess.Run(dir, Limit, [.. scan, "--output", runDir, "--overwrite"]);
        Assert.True(intoRun.Exit == 2, intoRun.Err + intoRun.Out);
        Assert.Equal($"error: --output {runDir}: is a run's directory, whose own das.arrow and fourier.arrow (its probes' rows over " +
                     $"training) the scan's tables would replace for good, --overwrite or not; {instead}", intoRun.Err.Trim());
        // Another run's directory (given relative, without --overwrite) is refused as such, not only as "is not empty".
        var relative = Path.GetRelativePath(dir, runDir);
        var intoOther = CliProcess.Run(dir, Limit, [.. scan, "--output", relative]);
        Assert.True(intoOther.Exit == 2, intoOther.Err + intoOther.Out);
        Assert.StartsWith($"error: --output {relative}: is a run's directory, ", intoOther.Err.Trim());

        var intoAnalysis = CliProcess.Run(dir, Limit, [.. scan, "--output", analysis]);
        Assert.True(intoAnalysis.Exit == 2, intoAnalysis.Err + intoAnalysis.Out);
        Assert.Equal($"error: --output {analysis}: is a sweep's analysis/ folder, where `query` and `analyze` would read the scan's " +
                     "tables as the sweep's analysis tables (and refuse the sweep, its runs having tables of those names) and its next " +
                     $"analysis would set them aside; {instead}", intoAnalysis.Err.Trim());

        Assert.Equal(das, File.ReadAllBytes(Path.Combine(runDir, "das.arrow")));
        Assert.Equal(fourier, File.ReadAllBytes(Path.Combine(runDir, "fourier.arrow")));
        Assert.Equal(before, Entries());   // no scans/, no analysis/, no lock left
        var query = CliProcess.Run(dir, Limit, "query", sweep, "SELECT count(*) AS n FROM das");
        Assert.True(query.Exit == 0, query.Err);
    }

    List<string> Entries() => [.. Directory.EnumerateFileSystemEntries(dir, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal)];
}
