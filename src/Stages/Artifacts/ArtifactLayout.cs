namespace Retention.Artifacts;

/// <summary>One Arrow file to load: its table (the file stem), the run it came from (null for analysis tables)
/// and, when a folder of several sweeps is loaded, the sweep (the sweep directory's name).</summary>
public sealed record ArtifactFile(string Table, string Path, string? Run, string? Sweep = null);

/// <summary>
/// Finds the Arrow files of a sweep or of a single run (the layout is fixed by the design):
/// <code>
/// &lt;sweep&gt;/runs/&lt;run-id&gt;/*.arrow    one table per file stem, a row set per run
/// &lt;run-id&gt;/*.arrow                  a run directory given directly (has run.yaml or Arrow files)
/// &lt;dir&gt;/analysis/*.arrow            analysis tables written by an earlier analysis
/// &lt;dir&gt;/&lt;sweep&gt;/runs/...           a folder of sweeps (e.g. artifacts/): every sweep's runs, with their sweep's name
/// &lt;dir&gt;/&lt;sweep&gt;/analysis/*.arrow   and every sweep's analysis tables, with their sweep's name
/// </code>
/// Only <c>*.arrow</c> is listed, so the <c>*.arrow.tmp</c> of an unfinished writer is ignored. A
/// table whose writer was killed before completing is read from its sealed parts
/// (<c>&lt;table&gt;.arrow.parts/*.arrow</c>, see <see cref="ArrowParts"/>): the rows up to its last durable point.
/// Order is ordinal by run and file name, so loading is deterministic.
/// </summary>
public static class ArtifactLayout
{
    /// <summary>What a directory given to a query or an analysis is: how its Arrow files are found.</summary>
    public enum Kind
    {
        /// <summary>Has runs/: a sweep (its pipeline.yaml beside it).</summary>
        Sweep,
        /// <summary>Has run.yaml, or Arrow files of its own and no sweep in it or of it (no pipeline.yaml): one run's directory given directly.</summary>
        Run,
        /// <summary>Holds sweeps (e.g. artifacts/); Arrow files beside them (a query's --output) are not read.</summary>
        SweepFolder,
        /// <summary>None of these: only its analysis/ is read.</summary>
        Other,
    }

    /// <summary>The one classification of <paramref name="directory"/> that <see cref="Discover"/> and every reader of a
    /// queried directory's pipeline follow, in this order; a missing directory is <see cref="Kind.Other"/>.</summary>
    public static Kind KindOf(string directory)
    {
        var dir = Path.GetFullPath(directory);
        if (!Directory.Exists(dir)) return Kind.Other;
        if (Directory.Exists(Path.Combine(dir, RunsDir))) return Kind.Sweep;
        if (File.Exists(Path.Combine(dir, RunManifest))) return Kind.Run;
        // Sweeps before loose Arrow files: `query artifacts/ ... --output artifacts/summary.arrow` must not turn the
        // folder of sweeps into one run holding only that file.
        if (Sweeps(dir).Count > 0) return Kind.SweepFolder;
        // Nor a sweep before its runs/ (a submission writes its pipeline.yaml at once, runs/ when a task starts), or a folder
        // of such sweeps: `query Q ... --output Q/x.arrow` made a queued sweep one run holding x, which `analyze` then loaded
        // as the runs' table and `advise` refused as a run's directory. Arrow files beside a sweep are never its tables.
        if (File.Exists(Path.Combine(dir, PipelineFile)) || SweepsWithPipeline(dir).Count > 0) return Kind.Other;
        return ArrowFilesIn(dir, null).Any() ? Kind.Run : Kind.Other;
    }

    /// <summary>
    /// Whether the analysis table <paramref name="analysis"/> is named like a table the runs among <paramref name="files"/>
    /// write: it would be mixed into that table in SQL. Tables group case-insensitively (DuckDB's identifiers do), so
    /// analysis/Train.arrow clashes with a run's train.arrow.
    /// </summary>
    public static bool NamedLikeRunTable(ArtifactFile analysis, IEnumerable<ArtifactFile> files) =>
        files.Any(f => f.Run is not null && f.Table.Equals(analysis.Table, StringComparison.OrdinalIgnoreCase));

    /// <summary>The one extension a table's file has: a .feather, .ipc, .csv or .parquet beside the tables is never read.</summary>
    public const string TableExtension = ".arrow";

    public const string RunsDir = "runs";
    public const string AnalysisDir = "analysis";
    public const string RunManifest = "run.yaml";
    /// <summary>The sweep's resolved pipeline (profile and --set applied), beside runs/.</summary>
    public const string PipelineFile = "pipeline.yaml";
    /// <summary>What a sweep's training and analysis write, and a re-run keeps aside or deletes.</summary>
    public static readonly IReadOnlyList<string> ResultFolders = [RunsDir, AnalysisDir];

    /// <summary>The directory of the run <paramref name="runId"/> in the sweep <paramref name="sweepDir"/>: &lt;sweep&gt;/runs/&lt;run-id&gt;.
    /// The one place the layout's run path is spelled, so training, resume, status and submit agree on it.</summary>
    public static string RunDir(string sweepDir, string runId) => Path.Combine(sweepDir, RunsDir, runId);

    public static IReadOnlyList<ArtifactFile> Discover(string directory)
    {
        // Trimmed: a run's name is its folder's, and `runs/seed-1/` (as a shell completes it) named its rows "".
        var dir = Path.TrimEndingDirectorySeparator(Path.GetFullPath(directory));
        if (!Directory.Exists(dir))
            throw new ArtifactException(dir, File.Exists(dir) ? "is a file, not an artifact directory" : "artifact directory does not exist");

        var files = new List<ArtifactFile>();
        switch (KindOf(dir))
        {
            case Kind.Sweep:
                foreach (var runDir in Sorted(Directory.EnumerateDirectories(Path.Combine(dir, RunsDir))))
                    files.AddRange(ArrowFilesIn(runDir, Path.GetFileName(runDir)));
                break;
            case Kind.Run:
                files.AddRange(ArrowFilesIn(dir, Path.GetFileName(dir)));
                break;
            case Kind.SweepFolder:
                // A folder of sweeps: the runs and analysis tables of each, tagged with the sweep (which of the
                // analysis tables combine across sweeps is SweepFolderAnalysis's to decide: it reads their schemas).
                foreach (var sweep in Sweeps(dir))
                {
                    var name = Path.GetFileName(sweep);
                    foreach (var runDir in Sorted(Directory.EnumerateDirectories(Path.Combine(sweep, RunsDir))))
                        files.AddRange(ArrowFilesIn(runDir, Path.GetFileName(runDir)).Select(f => f with { Sweep = name }));
                    files.AddRange(ArrowFilesIn(Path.Combine(sweep, AnalysisDir), null).Select(f => f with { Sweep = name }));
                }
                return files;
        }

        var analysis = ArrowFilesIn(Path.Combine(dir, AnalysisDir), null).ToList();
        // An analysis table named like a run artifact would silently replace it in SQL.
        foreach (var clash in analysis.Where(a => NamedLikeRunTable(a, files)))
            throw new ArtifactException(clash.Path, $"analysis table '{clash.Table}' has the name of a run artifact table");
        files.AddRange(analysis);
        return files;
    }

    private static IEnumerable<ArtifactFile> ArrowFilesIn(string dir, string? run)
    {
        if (!Directory.Exists(dir)) return [];
        var complete = Sorted(Directory.EnumerateFiles(dir))
            .Where(p => Path.GetExtension(p).Equals(TableExtension, StringComparison.OrdinalIgnoreCase))
            .Select(p => new ArtifactFile(Path.GetFileNameWithoutExtension(p), p, run))
            .ToList();
        // Parts of a table never completed (a killed writer); a complete file beside them wins.
        var parts = Sorted(Directory.EnumerateDirectories(dir))
            .Select(d => (Dir: d, Table: ArrowParts.TableOfPartsDirectory(d)))
            .Where(d => d.Table is not null && !complete.Any(f => f.Table.Equals(d.Table, StringComparison.OrdinalIgnoreCase)))
            .SelectMany(d => ArrowParts.List(Path.Combine(dir, d.Table + ".arrow")).Select(p => new ArtifactFile(d.Table!, p.Path, run)));
        return [.. complete.Concat(parts).OrderBy(f => f.Table, StringComparer.Ordinal)];
    }

    /// <summary>The resolved pipeline file of the sweep <paramref name="sweepDir"/>: what `status` and `analyze` read, and
    /// how they tell a sweep from a folder of sweeps (artifacts/) or any other folder.</summary>
    /// <exception cref="DirectoryNotFoundException">The folder is missing, or holds no pipeline.yaml.</exception>
    public static string SweepPipelineFile(string sweepDir)
    {
        sweepDir = RequireSweepDirectory(sweepDir);
        var file = Path.Combine(sweepDir, PipelineFile);
        if (!File.Exists(file))
            throw new DirectoryNotFoundException($"{sweepDir} holds no {PipelineFile}: not a sweep directory written by `pipeline run` or `pipeline submit`" +
                (SweepsWithPipeline(sweepDir) is { Count: > 0 } inside ? $" (it holds sweeps: {Messages.Listing.FirstFew(inside.Select(d => Path.GetFileName(d)))})"
                : SweepAbove(sweepDir) is { } above ? $" ({above.What}: give the sweep directory {above.Sweep})"
                : SweepsBelow(sweepDir) is { Count: > 0 } below ? $" (its folders hold sweeps: {Messages.Listing.FirstFew(below.Select(d => Path.GetRelativePath(sweepDir, d)))})"
                : ""));
        return file;
    }

    /// <summary>The full path of <paramref name="sweepDir"/>, checked to be a directory: a file given in its place (the
    /// sweep's pipeline.yaml, say) is said to be one, with the folder to give where it is a sweep's.</summary>
    /// <exception cref="DirectoryNotFoundException">The folder is missing, or is a file.</exception>
    public static string RequireSweepDirectory(string sweepDir)
    {
        var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(sweepDir));
        if (File.Exists(full))
        {
            var folder = Path.GetDirectoryName(full)!;
            throw new DirectoryNotFoundException($"{full}: is a file, not a sweep directory" +
                (Path.GetFileName(full) == PipelineFile && KindOf(folder) == Kind.Sweep
                    ? $"; this is a sweep's resolved pipeline: give its folder {folder}"
                    : " (artifacts/NAME[-PROFILE], written by `pipeline run` or `pipeline submit`)"));
        }
        if (!Directory.Exists(full)) throw new DirectoryNotFoundException($"sweep directory '{full}' does not exist");
        return full;
    }

    /// <summary>The sweep <paramref name="dir"/> is part of, when it is its runs/ folder or one of its runs (the folder above holds
    /// the sweep's pipeline.yaml), with what it is; else null.</summary>
    static (string What, string Sweep)? SweepAbove(string dir)
    {
        var parent = Path.GetDirectoryName(dir);
        if (parent is null) return null;
        if (Path.GetFileName(dir) == RunsDir && File.Exists(Path.Combine(parent, PipelineFile))) return ($"it is a sweep's {RunsDir}/ folder", parent);
        var sweep = Path.GetFileName(parent) == RunsDir ? Path.GetDirectoryName(parent) : null;
        return sweep is not null && File.Exists(Path.Combine(sweep, PipelineFile)) ? ("it is one run's directory", sweep) : null;
    }

    /// <summary>The sweep directories directly inside <paramref name="dir"/> (those with a runs/ folder).</summary>
    public static IReadOnlyList<string> Sweeps(string dir) =>
        [.. Sorted(Directory.EnumerateDirectories(dir)).Where(d => Directory.Exists(Path.Combine(d, RunsDir)))];

    /// <summary>The folders in <paramref name="dir"/> that `status` and `analyze` take as sweeps: those holding a pipeline.yaml
    /// too, as a sweep does from its submission on, before any task has made its runs/.</summary>
    static IReadOnlyList<string> SweepsWithPipeline(string dir) =>
        [.. Sorted(Directory.EnumerateDirectories(dir)).Where(d => Directory.Exists(Path.Combine(d, RunsDir)) || File.Exists(Path.Combine(d, PipelineFile)))];

    /// <summary>The sweeps one folder further down (<paramref name="dir"/>/artifacts/NAME): a project folder given where its
    /// artifacts/ folder's sweep was meant (`pipeline status .`). Folders that cannot be read are passed over.</summary>
    public static IReadOnlyList<string> SweepsBelow(string dir)
    {
        try { return [.. Sorted(Directory.EnumerateDirectories(dir)).SelectMany(d => { try { return SweepsWithPipeline(d); } catch (IOException) { return []; } catch (UnauthorizedAccessException) { return []; } })]; }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return []; }
    }

    private static IEnumerable<string> Sorted(IEnumerable<string> paths) => paths.Order(StringComparer.Ordinal);
}
