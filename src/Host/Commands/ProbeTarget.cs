using Retention.Artifacts;
using Retention.Messages;

namespace Retention.Host.Commands;

/// <summary>What `pipeline probe` is pointed at and writes to, checked before any model is loaded: errors that say
/// what the path is (missing, a file, a sweep and its runs, a folder of runs or one inside a run) rather than only what it is not.</summary>
public static class ProbeTarget
{
    /// <summary>Why <paramref name="runDir"/> cannot be probed as one run; null when it holds a run.yaml.</summary>
    /// <param name="use">What to do with one of a sweep's runs instead, in the command's words ("probe", "give --run").</param>
    public static string? RunProblem(string runDir, string use = "probe")
    {
        // A file (a pipeline's YAML, a run's run.yaml or checkpoint) exists: say what it is, not that nothing is there.
        if (File.Exists(runDir))
            return $"{runDir}: is a file, not a run directory; " + (RunAbove(runDir) is { } holder
                ? $"{use} the run it is in, {holder}"
                : $"{use} a run's directory (SWEEP/{ArtifactLayout.RunsDir}/RUN, written by `pipeline run` or `pipeline submit`)");
        if (!Directory.Exists(runDir)) return $"{runDir}: does not exist";
        if (File.Exists(Path.Combine(runDir, ArtifactLayout.RunManifest))) return null;
        // A sweep is the likeliest mistake: name its runs, as a sweep's runs/ folder holds them.
        if (ArtifactLayout.KindOf(runDir) == ArtifactLayout.Kind.Sweep)
        {
            var runs = Directory.EnumerateDirectories(Path.Combine(runDir, ArtifactLayout.RunsDir))
                .Where(d => File.Exists(Path.Combine(d, ArtifactLayout.RunManifest))).Order(StringComparer.Ordinal).ToList();
            return $"{runDir}: is a sweep directory, not a run; {use} one of its runs" + (runs.Count == 0
                ? " (its runs/ holds none yet)"
                : $": {Listing.FirstFew(runs.Select(r => Path.Combine(runDir, ArtifactLayout.RunsDir, Path.GetFileName(r))))}");
        }
        var notRun = $"{runDir}: is not a run directory (no {ArtifactLayout.RunManifest})";
        // A sweep's runs/ (or any folder of runs) names the runs below; a run's checkpoint/ or scans/ names the run above.
        var below = Directory.EnumerateDirectories(runDir).Where(d => File.Exists(Path.Combine(d, ArtifactLayout.RunManifest)))
            .Order(StringComparer.Ordinal).ToList();
        if (below.Count > 0) return $"{notRun}; {use} one of the runs in it: {Listing.FirstFew(below)}";
        return RunAbove(runDir) is { } run ? $"{notRun}; it is inside the run {run}: {use} that" : notRun;
    }

    /// <summary>The nearest folder above <paramref name="path"/> that holds a run.yaml; null when none does.</summary>
    static string? RunAbove(string path)
    {
        for (var dir = Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(path)); dir is not null; dir = Path.GetDirectoryName(dir))
            if (File.Exists(Path.Combine(dir, ArtifactLayout.RunManifest))) return dir;
        return null;
    }

    /// <summary>The folder under a run that holds its scans' folders.</summary>
    public const string ScansDir = "scans";

    /// <summary>The scan's folder when no --output is given, RUN/scans/&lt;local time to the second&gt;, made (empty but for its
    /// lock) now so that it is this scan's: one started in the same second as another (scans side by side) gets &lt;time&gt;-2,
    /// -3, ..., never the other's folder, where each would have written its tables over the other's. The lock, held until the
    /// scan ends, tells a folder being scanned from one a killed probe left; those are removed first (<see cref="ScanLeftovers"/>),
    /// each said to <paramref name="note"/>.</summary>
    /// <param name="now">The time the name carries (default: now, local).</param>
    public static ScanClaim ClaimDefaultOutput(string runDir, DateTime? now = null, Action<string>? note = null)
    {
        var scans = Path.Combine(runDir, ScansDir);
        SweepLock? held = null;
        var path = FreeName.Take(scans, (now ?? DateTime.Now).ToString("yyyyMMdd-HHmmss", System.Globalization.CultureInfo.InvariantCulture), "",
            path =>
            {
                Directory.CreateDirectory(path);
                try { held = SweepLock.Acquire(path, SweepLock.ForProbe); }
                catch { EmptyFolder.RemoveIfEmpty(path); throw; }   // a folder it cannot lock in (read-only): not left behind
            });
        // Its own folder is taken first, the killed scans' removed after: a scan started in the second a killed one did took that
        // one's name, and "removed X" then "written: X" named two scans as one.
        foreach (var (folder, holder) in ScanLeftovers.Remove(scans, except: path))
            note?.Invoke($"removed {folder}, which a probe{(holder.Length > 0 ? $" ({holder})" : "")} that was killed left without tables");
        return new ScanClaim(path, held!);
    }

    /// <summary>The files a scan writes into its folder (each under .tmp until whole).</summary>
    public static readonly IReadOnlyList<string> TableFiles = [Retention.Probes.OlmoProbes.DasFile, Retention.Probes.OlmoProbes.FourierFile];

    /// <summary>Why the scan must not write into <paramref name="outputDir"/>: it holds files already (an earlier
    /// scan, or anything else) and <paramref name="overwrite"/> was not given; null when it may. A table's .tmp that a killed
    /// scan left is no earlier scan: not counted (<see cref="RemoveLeftovers"/> removes it), nor are the lock's files
    /// (<see cref="OutputLock"/>: this scan's own, or a killed one's, which this scan's lock takes over and removes).</summary>
    public static string? OutputProblem(string outputDir, bool overwrite)
    {
        if (overwrite || !Directory.Exists(outputDir)) return null;
        var held = Directory.EnumerateFileSystemEntries(outputDir).Select(e => Path.GetFileName(e)!)
            .Where(name => !LeftoverTmp.IsOf(name, TableFiles) && !OutputLock.IsLockFile(name)).Order(StringComparer.Ordinal).ToList();
        return held.Count == 0 ? null
            : $"--output {outputDir}: is not empty (it holds {Listing.FirstFew(held)}); " +
              "give --overwrite to replace an earlier scan's tables there, or another folder";
    }

    /// <summary>Why the scan must not write into <paramref name="outputDir"/> even with --overwrite: it is a folder whose tables
    /// `query` and `analyze` read as the sweep's. A run's directory holds the run's own das.arrow and fourier.arrow (its probes'
    /// rows over training), which the scan's replaced for good; a sweep's analysis/ then held tables named like its runs', and
    /// every `query` and `analyze` of the sweep failed on them (a run's own analysis/ likewise). Null for any other folder
    /// (<see cref="TablesFolder.Of"/>, which `query` and `advise --output` are checked by too).</summary>
    public static string? TablesFolderProblem(string outputDir, string runDir)
    {
        var instead = $"give a folder of its own, e.g. {Path.Combine(runDir, ScansDir, "NAME")}, or leave --output out (nothing was run)";
        return TablesFolder.Of(outputDir) switch
        {
            null => null,
            { Analysis: false } => $"--output {outputDir}: is a run's directory, whose own {string.Join(" and ", TableFiles)} (its probes' rows over training) " +
                                   $"the scan's tables would replace for good, --overwrite or not; {instead}",
            // A run's own analysis/ is read by a query of that run alone: it is the run the query would refuse, not the sweep.
            { RunsAnalysis: true } => $"--output {outputDir}: is a run's {ArtifactLayout.AnalysisDir}/ folder, where `query` of the run would read the " +
                $"scan's tables as the run's analysis tables (and refuse the run, its own tables having those names); {instead}",
            { OwnerIs: var owner } => $"--output {outputDir}: is a {owner[4..]}'s {ArtifactLayout.AnalysisDir}/ folder, where `query` and `analyze` would read the " +
                $"scan's tables as {owner}'s analysis tables (and refuse {owner}, its runs having tables of those names) and its next analysis would set them aside; {instead}",
        };
    }

    /// <summary>Removes the tables' .tmp files a scan killed while writing them left in <paramref name="outputDir"/> (its
    /// --output), each said to <paramref name="note"/>; another's .tmp there stays.</summary>
    public static void RemoveLeftovers(string outputDir, Action<string> note)
    {
        foreach (var tmp in LeftoverTmp.Remove(outputDir, TableFiles))
            note($"removed {Path.Combine(outputDir, tmp)}, which a probe killed while writing its tables left half written");
    }
}

/// <summary>A scan's own folder and its lock (<see cref="ProbeTarget.ClaimDefaultOutput"/>); disposed when the scan ends, which
/// removes the lock's files: the folder keeps the scan's tables only.</summary>
public sealed record ScanClaim(string Folder, SweepLock Lock) : IDisposable
{
    public void Dispose() => Lock.DisposeAndRemove(Folder);
}
