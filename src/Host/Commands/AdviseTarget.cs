using Retention.Artifacts;

namespace Retention.Host.Commands;

/// <summary>
/// What `pipeline advise` is given as sweep directories, checked before anything is read: a missing path, one run's
/// directory, a sweep's runs/ folder, a folder of sweeps or a folder that is no sweep, each refused saying what to give.
/// A folder of sweeps read as one pooled runs of the same id across its sweeps as one (DuckDB joins them by run id: a
/// sweep and its copy gave 8 seeds from 2 runs), beyond the copy check that sweeps given one by one pass; its advice
/// also went into an analysis/ folder beside the sweeps.
/// </summary>
static class AdviseTarget
{
    /// <exception cref="UsageException">The path is not a sweep directory; the message says what to give.</exception>
    /// <exception cref="FileNotFoundException">A pipeline file that does not exist.</exception>
    /// <exception cref="DirectoryNotFoundException">A directory that does not exist.</exception>
    public static void Check(string path)
    {
        if (!Directory.Exists(path))
            throw Path.GetExtension(path) is ".yaml" or ".yml"
                ? new FileNotFoundException($"pipeline file '{path}' does not exist")
                : new DirectoryNotFoundException($"sweep directory '{path}' does not exist");
        var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(path));
        var parent = Path.GetDirectoryName(full);
        switch (ArtifactLayout.KindOf(full))
        {
            case ArtifactLayout.Kind.Run:
                // Read as a sweep, its advice went into the run's own folder.
                var sweep = Path.GetFileName(parent) == ArtifactLayout.RunsDir ? Path.GetDirectoryName(parent) : null;
                throw new UsageException($"{path}: is one run's directory; advise reads sweep directories (artifacts/NAME[-PROFILE])" +
                    (sweep is null ? "" : $": give its sweep, {Relative(sweep)}"));
            case ArtifactLayout.Kind.SweepFolder:
                throw new UsageException($"{path}: is a folder of sweeps; advise reads sweep directories and pools them run by run: " +
                    $"give the sweeps to pool (pipeline advise {Pipeline.ShellWords.Join(ArtifactLayout.Sweeps(full).Select(Relative))})");
            case ArtifactLayout.Kind.Other when Path.GetFileName(full) == ArtifactLayout.RunsDir && parent is not null:
                throw new UsageException($"{path}: is a sweep's {ArtifactLayout.RunsDir}/ folder; give the sweep directory, {Relative(parent)}");
            case ArtifactLayout.Kind.Other when File.Exists(Path.Combine(full, ArtifactLayout.PipelineFile)):
                // A submission writes the sweep's pipeline.yaml at once; runs/ only when its first task starts.
                throw new UsageException($"{path}: is a sweep none of whose runs has started (no {ArtifactLayout.RunsDir}/ folder yet); " +
                    $"advise once they have trained (`pipeline status {Pipeline.ShellWords.Quote(Relative(full))}` shows them)");
            case ArtifactLayout.Kind.Other:
                throw new UsageException($"{path}: holds no {ArtifactLayout.RunsDir}/ folder: not a sweep directory written by `pipeline run` or `pipeline submit`");
        }
    }

    static string Relative(string dir) => Path.GetRelativePath(Directory.GetCurrentDirectory(), dir);
}
