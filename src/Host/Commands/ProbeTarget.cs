using Retention.Artifacts;
using Retention.Messages;

namespace Retention.Host.Commands;

/// <summary>What `pipeline probe` is pointed at and writes to, checked before any model is loaded: errors that say
/// what the path is (missing, a sweep and its runs) rather than only what it is not.</summary>
public static class ProbeTarget
{
    /// <summary>Why <paramref name="runDir"/> cannot be probed as one run; null when it holds a run.yaml.</summary>
    /// <param name="use">What to do with one of a sweep's runs instead, in the command's words ("probe", "give --run").</param>
    public static string? RunProblem(string runDir, string use = "probe")
    {
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
        return $"{runDir}: is not a run directory (no {ArtifactLayout.RunManifest})";
    }

    /// <summary>Why the scan must not write into <paramref name="outputDir"/>: it holds files already (an earlier
    /// scan, or anything else) and <paramref name="overwrite"/> was not given; null when it may.</summary>
    public static string? OutputProblem(string outputDir, bool overwrite)
    {
        if (overwrite || !Directory.Exists(outputDir)) return null;
        var held = Directory.EnumerateFileSystemEntries(outputDir).Select(e => Path.GetFileName(e)).Order(StringComparer.Ordinal).ToList();
        return held.Count == 0 ? null
            : $"--output {outputDir}: is not empty (it holds {Listing.FirstFew(held)}); " +
              "give --overwrite to replace an earlier scan's tables there, or another folder";
    }
}
