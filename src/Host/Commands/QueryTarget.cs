using Retention.Artifacts;
using Retention.Spec;

namespace Retention.Host.Commands;

/// <summary>
/// What `pipeline query` is given, checked before anything is read: a file, a sweep's runs/ folder (which holds no
/// table of its own and would query as empty) or its analysis/ folder (which would query as a run named 'analysis'), is
/// refused with what to give instead.
/// </summary>
static class QueryTarget
{
    /// <exception cref="ArtifactException">The path is a file or a sweep's runs/ folder; the message says what to query.</exception>
    public static void Check(string given)
    {
        var path = Path.TrimEndingDirectorySeparator(Path.GetFullPath(given));   // runs/ names the folder as runs does
        if (File.Exists(path)) throw new ArtifactException(path, $"is a file, not a directory: {InsteadOfFile(path)}");
        if (SweepOfRunsFolder(path) is { } sweep)
            throw new ArtifactException(path, $"is a sweep's {ArtifactLayout.RunsDir}/ folder, which query does not read as one: " +
                $"give the sweep directory {sweep} (every run's tables, with a run column, and the sweep's analysis tables), or one run's directory");
        // Read as a run, its tables would carry a run column saying 'analysis'.
        if (Path.GetFileName(path) == ArtifactLayout.AnalysisDir && Path.GetDirectoryName(path) is { } parent
            && ArtifactLayout.KindOf(parent) == ArtifactLayout.Kind.Sweep)
            throw new ArtifactException(path, $"is a sweep's {ArtifactLayout.AnalysisDir}/ folder, which query does not read as a run: " +
                $"give the sweep directory {parent} (its analysis tables under their own names, beside every run's tables)");
    }

    /// <summary>Where <paramref name="given"/> is neither a sweep nor a folder of sweeps but its folders hold sweeps (the
    /// project folder, `pipeline query .`, where a query's own --output file may lie): "its folders hold sweeps: artifacts/syn,
    /// …", the paths to give, as `status` says; else null.</summary>
    public static string? SweepsBelow(string given)
    {
        var path = Path.GetFullPath(given);
        if (ArtifactLayout.KindOf(path) is ArtifactLayout.Kind.Sweep or ArtifactLayout.Kind.SweepFolder
            || File.Exists(Path.Combine(path, ArtifactLayout.RunManifest))) return null;
        var below = ArtifactLayout.SweepsBelow(path);
        return below.Count == 0 ? null
            : $"its folders hold sweeps: {Messages.Listing.FirstFew(below.Select(d => Path.GetRelativePath(path, d)))}; " +
              "query one of them, or the folder that holds them for all at once";
    }

    /// <summary>Where <paramref name="given"/> is a sweep none of whose runs has started (its pipeline.yaml, written by a submission at
    /// once, and no runs/ yet): "it is a sweep none of whose runs has started ...", as `advise` says it; else null. Told to "give a
    /// sweep directory", the user had given one.</summary>
    public static string? NotStarted(string given)
    {
        var path = Path.GetFullPath(given);
        return File.Exists(Path.Combine(path, ArtifactLayout.PipelineFile)) && !Directory.Exists(Path.Combine(path, ArtifactLayout.RunsDir))
            ? $"it is a sweep none of whose runs has started (no {ArtifactLayout.RunsDir}/ folder yet): its runs write their tables as they train " +
              $"(`pipeline status {Pipeline.ShellWords.Quote(given)}` shows them)"
            : null;
    }

    const string Readable = "query reads a sweep directory (artifacts/NAME[-PROFILE]), one run's directory, or a folder of sweeps";

    static string InsteadOfFile(string path)
    {
        var folder = Path.GetDirectoryName(path)!;
        if (Path.GetFileName(path) == ArtifactLayout.PipelineFile && ArtifactLayout.KindOf(folder) == ArtifactLayout.Kind.Sweep)
            return $"{Readable}; this is a sweep's resolved pipeline: query its folder {folder}";
        if (Path.GetExtension(path).ToLowerInvariant() is not (".yaml" or ".yml")) return Readable;
        return $"{Readable}; a pipeline's sweep is written by `pipeline run` under artifacts/{NameOf(path) ?? "NAME"} " +
            "(with -PROFILE after the name when run with --profile) in the folder it ran in, or under --artifacts DIR";
    }

    /// <summary>The pipeline's name, or null when the file does not load as a pipeline.</summary>
    static string? NameOf(string pipelineFile)
    {
        try { return SpecLoader.Load(pipelineFile, checkAnalysis: false).Spec.Name; }
        catch (Exception e) when (e is SpecException or IOException or UnauthorizedAccessException) { return null; }
    }

    /// <summary>The sweep whose runs/ folder <paramref name="dir"/> is (its name is runs/, its parent has the sweep's
    /// pipeline.yaml or it holds run directories), or null.</summary>
    static string? SweepOfRunsFolder(string dir)
    {
        if (Path.GetFileName(dir) != ArtifactLayout.RunsDir || !Directory.Exists(dir) || ArtifactLayout.KindOf(dir) != ArtifactLayout.Kind.Other) return null;
        var parent = Path.GetDirectoryName(dir)!;
        bool sweep = File.Exists(Path.Combine(parent, ArtifactLayout.PipelineFile))
            || Directory.EnumerateDirectories(dir).Any(d => ArtifactLayout.KindOf(d) == ArtifactLayout.Kind.Run);
        return sweep ? parent : null;
    }
}
