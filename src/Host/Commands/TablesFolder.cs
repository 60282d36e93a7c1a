using Retention.Artifacts;

namespace Retention.Host.Commands;

/// <summary>A folder whose Arrow files `query` and `analyze` read as a sweep's or a run's tables (<see cref="ArtifactLayout.Discover"/>):
/// a run's folder, or a sweep's or run's analysis/. An output written there (`query --output`, `advise`/`probe --output`) became a
/// table of its own, a run's rows only or an analysis table, mixed into every later query of the sweep.</summary>
public static class TablesFolder
{
    /// <summary>What kind of tables folder it is, and the sweep or run it belongs to: outputs go beside that (<see cref="Outside"/>).</summary>
    /// <param name="Analysis">Whether it is an analysis/ folder (its files read as analysis tables), not a run's own.</param>
    /// <param name="Owner">The sweep it is part of, or the run where it is in no sweep.</param>
    public sealed record Found(string Folder, bool Analysis, string Owner)
    {
        /// <summary>"the sweep" or "the run": what <see cref="Owner"/> is.</summary>
        public string OwnerIs => IsSweep(Owner) ? "the sweep" : "the run";

        /// <summary>Whether it is the analysis/ of one of the sweep's runs, not the sweep's own: only a query of that run reads it
        /// (a query of the sweep, and `analyze`, read the sweep's analysis/ alone).</summary>
        public bool RunsAnalysis => Analysis && Path.GetDirectoryName(Folder) != Owner;

        /// <summary>"the sweep" or "the run": whose queries read its .arrow files.</summary>
        public string ReadBy => RunsAnalysis ? "the run" : OwnerIs;

        /// <summary>What it is, for a message: "the folder of the run a of the sweep …", "the analysis/ folder of the sweep …",
        /// "the analysis/ folder of the run a of the sweep …".</summary>
        public string What => RunsAnalysis ? $"the {ArtifactLayout.AnalysisDir}/ folder of the run {Path.GetFileName(Path.GetDirectoryName(Folder))} of the sweep {Owner}"
            : Analysis ? $"the {ArtifactLayout.AnalysisDir}/ folder of {OwnerIs} {Owner}"
            : IsSweep(Owner) ? $"the folder of the run {Path.GetFileName(Folder)} of the sweep {Owner}" : $"the folder of the run {Owner}";

        /// <summary>Where a file named <paramref name="name"/> is read as no table: beside the sweep (or run) the folder is part of,
        /// as a folder of sweeps (artifacts/) reads no file of its own.</summary>
        public string Outside(string name) => Path.Combine(Path.GetDirectoryName(Owner) ?? Owner, name);
    }

    /// <summary>What <paramref name="folder"/> is as a tables folder, whether it exists yet or not (one made under a sweep's
    /// runs/ becomes a run); null when no query reads its Arrow files as a sweep's or run's.</summary>
    /// <param name="queried">The folder the command queries, if any: a sweep it reads as one (or a sweep in the folder of sweeps
    /// it is) counts as a sweep without its pipeline.yaml, and its own analysis/ is read whatever it is.</param>
    public static Found? Of(string folder, string? queried = null)
    {
        var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder));
        var read = queried is null ? null : Path.TrimEndingDirectorySeparator(Path.GetFullPath(queried));
        if (RunOf(full, read) is { } run) return new Found(full, false, SweepOfRun(run) ?? run);
        if (Path.GetFileName(full) == ArtifactLayout.AnalysisDir && Path.GetDirectoryName(full) is { } above)
        {
            if (ArtifactLayout.KindOf(above) == ArtifactLayout.Kind.Sweep) return new Found(full, true, above);
            if (RunOf(above, read) is { } owner) return new Found(full, true, SweepOfRun(owner) ?? owner);
            // The queried run (a scan's folder, a bench's records) reads its analysis/ too; a folder of sweeps reads only theirs.
            if (above == read && ArtifactLayout.KindOf(above) == ArtifactLayout.Kind.Run) return new Found(full, true, above);
        }
        return null;
    }

    /// <summary>Whether <paramref name="path"/> is a file a query reads as a table where it lies in one of these folders: only
    /// .arrow is (a .csv, .parquet, .feather or .ipc is never read).</summary>
    public static bool IsTableFile(string path) => Path.GetExtension(path).Equals(ArtifactLayout.TableExtension, StringComparison.OrdinalIgnoreCase);

    /// <summary><paramref name="dir"/> when it is a run's folder: it holds a run.yaml, or it lies directly in a sweep's runs/, where
    /// every folder is read as a run; null otherwise. A sweep is one with its pipeline.yaml, or one <paramref name="queried"/> reads
    /// (itself, one in the folder of sweeps it is, or the one whose run it is): a folder of one's own named runs/ elsewhere is no sweep's.</summary>
    static string? RunOf(string dir, string? queried)
    {
        if (File.Exists(Path.Combine(dir, ArtifactLayout.RunManifest))) return dir;
        var runs = Path.GetDirectoryName(dir);
        if (runs is null || Path.GetFileName(runs) != ArtifactLayout.RunsDir || Path.GetDirectoryName(runs) is not { } sweep) return null;
        return File.Exists(Path.Combine(sweep, ArtifactLayout.PipelineFile)) || sweep == queried || dir == queried
            || (queried is not null && Path.GetDirectoryName(sweep) == queried && ArtifactLayout.KindOf(queried) == ArtifactLayout.Kind.SweepFolder) ? dir : null;
    }

    /// <summary>The sweep the run <paramref name="run"/> is one of (…/runs/RUN, a runs/ beside it); null for a run on its own.</summary>
    static string? SweepOfRun(string run)
    {
        var runs = Path.GetDirectoryName(run);
        return runs is not null && Path.GetFileName(runs) == ArtifactLayout.RunsDir && Path.GetDirectoryName(runs) is { } sweep
            && ArtifactLayout.KindOf(sweep) == ArtifactLayout.Kind.Sweep ? sweep : null;
    }

    static bool IsSweep(string dir) => Directory.Exists(Path.Combine(dir, ArtifactLayout.RunsDir));

    /// <summary>Why the Arrow file(s) an output writes in <paramref name="folder"/> may not go there: a later query of the sweep
    /// (or run) would read them as its tables; null where it reads none of them.</summary>
    /// <param name="what">What the command writes there, as the message says it ("the result", "the advice tables (advice_*.arrow)").</param>
    /// <param name="example">A file or folder name for the place suggested outside.</param>
    /// <param name="otherwise">What else the user may do, after the place suggested (e.g. "or leave --output out").</param>
    /// <param name="analysis">Whether an analysis/ is refused too (not for advice, whose tables are analysis tables).</param>
    /// <param name="queried">The folder the command queries (<see cref="Of"/>).</param>
    public static string? OutputProblem(string output, string folder, string what, string example, string otherwise = "", bool analysis = true,
        string? queried = null)
    {
        if (Of(folder, queried) is not { } found || (found.Analysis && !analysis)) return null;
        var readAs = found.Analysis ? "its analysis tables" : "that run's tables (its rows only)";
        return $"--output {output}: lies in {found.What}, whose .arrow files every query of {found.ReadBy} reads as {readAs}: " +
               $"{what} would be read as one of them; write outside {found.OwnerIs}, e.g. {found.Outside(example)}{otherwise} (nothing was run)";
    }
}
