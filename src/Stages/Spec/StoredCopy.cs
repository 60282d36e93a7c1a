using Retention.Artifacts;
using Retention.Pipeline;

namespace Retention.Spec;

/// <summary>A sweep's stored pipeline.yaml or a run's run.yaml, given as a pipeline file: its relative data paths resolve
/// against the sweep's folder, where no data lies, while its runs read theirs relative to the folder their provenance.json
/// records. A missing path then names that folder for --data-dir, not a command that writes a corpus into the sweep.</summary>
internal static class StoredCopy
{
    /// <summary>The folder the runs' relative data paths resolved against, where the file is a stored copy and that is not
    /// its own folder; else null.</summary>
    public static string? RecordedDataDirectory(string file)
    {
        var full = Path.GetFullPath(file);
        var dir = Path.GetDirectoryName(full)!;
        var runs = Path.Combine(dir, ArtifactLayout.RunsDir);
        IEnumerable<string> runDirs = Path.GetFileName(full) switch
        {
            ArtifactLayout.PipelineFile when Directory.Exists(runs) => Directory.EnumerateDirectories(runs).Order(StringComparer.Ordinal),
            ArtifactLayout.RunManifest => [dir],
            _ => [],
        };
        return runDirs.Select(r => SweepContract.ReadProvenance(r)?.DataDirectory)
            .FirstOrDefault(d => d is not null && Path.GetFullPath(d).TrimEnd('/') != dir.TrimEnd('/'));
    }

    /// <summary>The sweep's pipeline.yaml where <paramref name="file"/> is the run.yaml of one of its runs
    /// (SWEEP/runs/ID/run.yaml beside SWEEP/pipeline.yaml), as given (relative stays relative); else null.</summary>
    public static string? SweepOfRunFile(string file)
    {
        if (Path.GetFileName(file) != ArtifactLayout.RunManifest) return null;
        var runsDir = Path.GetDirectoryName(Path.GetDirectoryName(Path.GetFullPath(file)));
        if (runsDir is null || Path.GetFileName(runsDir) != ArtifactLayout.RunsDir) return null;
        var sweepFile = Path.Combine(Path.GetDirectoryName(runsDir)!, ArtifactLayout.PipelineFile);
        if (!File.Exists(sweepFile)) return null;
        // Relative to where the command runs, as the file was given: its own path's parents may be '.' or '..'.
        return Path.IsPathRooted(file) ? sweepFile : Path.GetRelativePath(Directory.GetCurrentDirectory(), sweepFile);
    }

    /// <summary>What a missing path's error adds for a stored copy.</summary>
    public static string Hint(string recorded) =>
        $" (this file is a sweep's stored copy: relative paths resolve against its own folder, and its runs read their data " +
        $"relative to {recorded}, as their provenance.json records; give --data-dir {ShellWords.Quote(recorded)})";
}
