using System.Text.Json;
using Retention.Artifacts;
using Retention.Spec;
using YamlDotNet.RepresentationModel;

namespace Retention.Pipeline;

/// <summary>A resume that would mix runs trained under different specs; lists what changed per run.</summary>
public sealed class SweepContractException(string message) : Exception(message);

/// <summary>
/// What a sweep directory promises about its runs: each run's resolved spec is in its run.yaml, a
/// resume continues only runs whose spec is unchanged (else it refuses, listing the keys that differ),
/// a plain re-run keeps the earlier results (moved to previous/&lt;time&gt;/) unless told to overwrite,
/// and each run records where and how it was trained (provenance.json).
/// </summary>
public static class SweepContract
{
    public const string PreviousDir = "previous";

    /// <summary>previous/&lt;UTC time&gt;/ for what is set aside now: one format for every kind of set-aside, so the folders
    /// of previous/ read and sort alike whichever made them.</summary>
    static string NewPreviousFolder(string sweepDir) => Path.Combine(sweepDir, PreviousDir, DateTime.UtcNow.ToString("yyyyMMdd-HHmmss-fff"));

    /// <summary>Refuses a resume when a run already in the sweep was trained under another spec, or (with data) its
    /// relative paths resolved against another folder: the same spec would then read other data.</summary>
    /// <param name="dataDirectory">What this resume resolves relative data and tokenizer paths against.</param>
    /// <param name="afresh">How to train them afresh instead, in the caller's terms.</param>
    /// <param name="endOf">A run's status.json (by run id) as the caller read it; read here where not given.</param>
    public static void CheckResume(LoadedPipeline pipeline, string sweepDir, string? dataDirectory = null,
        string afresh = "run without --resume to train afresh (the earlier results are kept under previous/)", Func<string, RunStatus?>? endOf = null)
    {
        endOf ??= run => PipelineRunner.ReadStatus(ArtifactLayout.RunDir(sweepDir, run));
        var problems = new List<string>();
        foreach (var run in pipeline.Runs)
        {
            var runDir = ArtifactLayout.RunDir(sweepDir, run.RunId);
            var path = Path.Combine(runDir, ArtifactLayout.RunManifest);
            if (!File.Exists(path)) continue;
            if (dataDirectory is not null && run.Spec.Data is { } data
                && endOf(run.RunId)?.State != "completed"   // skipped by the resume: reads nothing
                && ReadProvenance(runDir) is { } earlier
                && DataDrift.Problem(earlier, data, dataDirectory) is { } drift)
                problems.Add($"{run.RunId}: {drift}");
            IReadOnlyList<string> changes;
            try { changes = ChangedKeys(File.ReadAllText(path), run.ResolvedYaml); }
            catch (Exception e) when (e is YamlDotNet.Core.YamlException or InvalidCastException or InvalidDataException)
            {
                throw new ArtifactException(path, $"not a readable run spec ({e.Message}); the run cannot be continued, as what it was " +
                    $"trained with is unknown: {afresh}", e);
            }
            if (changes.Count > 0) problems.Add($"{run.RunId}: {string.Join("; ", changes)}");
        }
        if (problems.Count > 0)
            throw new SweepContractException($"continuing runs of {sweepDir} would train them under another spec or on other data than they started with:\n  " +
                string.Join("\n  ", problems) + $"\n{afresh}, or use the old settings");
    }

    /// <summary>The keys whose values differ between two resolved specs, as "key: old → new". Keys the experiment
    /// does not read are not compared: specs written before the writer left them out carry them at their defaults. Nor
    /// are the description and the analysis section: they change nothing a run trains, so a resume after editing a
    /// table's SQL continues (or skips) the same runs and runs the new analysis.</summary>
    public static IReadOnlyList<string> ChangedKeys(string oldYaml, string newYaml) => DifferingKeys(Canonical(oldYaml), newYaml);

    /// <summary>As <see cref="ChangedKeys"/>, between two specs both already written as this version writes them
    /// (<see cref="Canonical"/>): two stored runs compared either way round give the same keys.</summary>
    public static IReadOnlyList<string> DifferingKeys(string oldYaml, string newYaml)
    {
        var (before, after) = (Flatten(oldYaml), Flatten(newYaml));
        var experiment = after.GetValueOrDefault("experiment") ?? before.GetValueOrDefault("experiment") ?? "synthetic";
        return [.. before.Keys.Union(after.Keys).Where(k => ExperimentKeys.UnreadAt(experiment, k) is null && !Untrained(k)).Order(StringComparer.Ordinal)
            .Where(k => before.GetValueOrDefault(k) != after.GetValueOrDefault(k))
            .Select(k => $"{k}: {Shown(before.GetValueOrDefault(k))} → {Shown(after.GetValueOrDefault(k))}")];
        static string Shown(string? value) => value switch { null => "(absent)", "" => "\"\"", _ => value };
    }

    static bool Untrained(string key) => SpecPaths.IsAtOrUnder(key, "description") || SpecPaths.IsAtOrUnder(key, "analysis");

    /// <summary>The sweep the runs of <paramref name="sweepDir"/> were trained under (its pipeline.yaml's): what an analysis
    /// taken from another file (`analyze --pipeline`) is run over. Null when the folder holds no loadable pipeline.yaml.</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<string>>? StoredSweep(string sweepDir)
    {
        var file = Path.Combine(sweepDir, ArtifactLayout.PipelineFile);
        if (!File.Exists(file)) return null;
        try { return SpecLoader.Load(file, checkAnalysis: false, stored: true).Spec.Sweep; }
        catch (SpecException) { return null; }
    }

    /// <summary>A run spec written by an earlier version, written again as this version writes it: a key added since
    /// (olmo.reference_tasks, olmo.fused_adamw) takes its default, which does what the run did before the key
    /// existed, instead of reading as a change. A file this version cannot load is compared as it is.</summary>
    public static string Canonical(string yaml)
    {
        try { return SpecLoader.LoadText(yaml, ArtifactLayout.RunManifest, checkAnalysis: false, checkResources: false, stored: true).Runs.Single().ResolvedYaml; }
        catch (SpecException) { return yaml; }
    }

    /// <exception cref="InvalidDataException">No mapping at the top (an empty or damaged file).</exception>
    static Dictionary<string, string> Flatten(string yaml)
    {
        // Through the spec reader's parse: YamlDotNet alone throws exceptions of other kinds for some damaged text.
        IReadOnlyList<YamlDocument> documents;
        try { documents = YamlSyntax.Parse(yaml, ArtifactLayout.RunManifest, positioned: true); }
        catch (SpecException e) { throw new InvalidDataException(e.Message, e); }
        if (documents.Count == 0 || documents[0].RootNode is not YamlMappingNode root)
            throw new InvalidDataException("not a mapping of keys");
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        Walk(root, "", values);
        return values;
    }

    static void Walk(YamlNode node, string path, Dictionary<string, string> values)
    {
        switch (node)
        {
            case YamlMappingNode m:
                foreach (var (k, v) in m.Children) Walk(v, path.Length == 0 ? ((YamlScalarNode)k).Value! : $"{path}.{((YamlScalarNode)k).Value}", values);
                break;
            case YamlSequenceNode s:
                for (int i = 0; i < s.Children.Count; i++) Walk(s.Children[i], $"{path}[{i}]", values);
                if (s.Children.Count == 0) values[path] = "[]";
                break;
            case YamlScalarNode scalar:
                values[path] = scalar.Value ?? "";
                break;
        }
    }

    /// <summary>Moves the sweep's earlier runs, analysis and pipeline.yaml to previous/&lt;UTC time&gt;/; returns where, or null when there were none.</summary>
    public static string? SetAside(string sweepDir)
    {
        var entries = ArtifactLayout.ResultFolders.Append(ArtifactLayout.PipelineFile)
            .Select(e => Path.Combine(sweepDir, e)).Where(p => Directory.Exists(p) || File.Exists(p)).ToList();
        if (entries.Count == 0) return null;
        var target = NewPreviousFolder(sweepDir);
        Directory.CreateDirectory(target);
        foreach (var entry in entries)
        {
            var to = Path.Combine(target, Path.GetFileName(entry));
            if (Directory.Exists(entry)) Directory.Move(entry, to);
            else File.Move(entry, to);
        }
        return target;
    }

    /// <summary>Moves analysis/ tables and plots whose names are not in <paramref name="current"/> (an analysis
    /// changed since they were written) to previous/&lt;UTC time&gt;/analysis/; returns where, or null when there were
    /// none. The advise command's outputs (advice*) stay: they are not the analysis section's.</summary>
    public static string? SetAsideStaleAnalysis(string sweepDir, IReadOnlyCollection<string> current)
    {
        var analysisDir = Path.Combine(sweepDir, ArtifactLayout.AnalysisDir);
        if (!Directory.Exists(analysisDir)) return null;
        var names = current.ToHashSet(StringComparer.OrdinalIgnoreCase);
        var stale = Directory.GetFiles(analysisDir)
            .Where(f => Path.GetExtension(f) is ".arrow" or ".png")
            .Where(f => Path.GetFileNameWithoutExtension(f) is var stem && !names.Contains(stem) && !Advice.AdviceReport.IsAdviceName(stem))
            .ToList();
        return SetAsideAnalysisFiles(sweepDir, stale);
    }

    /// <summary>Moves these files of analysis/ to previous/&lt;UTC time&gt;/analysis/; returns where, or null when there were none.</summary>
    public static string? SetAsideAnalysisFiles(string sweepDir, IReadOnlyCollection<string> files)
    {
        if (files.Count == 0) return null;
        var target = Path.Combine(NewPreviousFolder(sweepDir), ArtifactLayout.AnalysisDir);
        Directory.CreateDirectory(target);
        foreach (var file in files) File.Move(file, Path.Combine(target, Path.GetFileName(file)));
        return target;
    }

    /// <summary>
    /// Runs of the sweep whose folder is missing take over an earlier run left without a place in it whose spec is
    /// theirs (a sweep that gained a key, `--set 'sweep.seed=[0,1]'` where the runs had seed 0: width-8 becomes
    /// width-8_seed-0), so a resume or a resubmission keeps them rather than setting them aside and training them again.
    /// Only a one-to-one match is taken. Returns the earlier run's folder and the run it becomes; moves nothing.
    /// </summary>
    public static IReadOnlyList<(string FromDir, RunPlan To)> Renamed(string sweepDir, LoadedPipeline pipeline)
    {
        var runsDir = Path.Combine(sweepDir, ArtifactLayout.RunsDir);
        if (!Directory.Exists(runsDir)) return [];
        var ids = pipeline.Runs.Select(r => r.RunId).ToHashSet(StringComparer.Ordinal);
        var orphans = Directory.GetDirectories(runsDir).Where(d => !ids.Contains(Path.GetFileName(d)))
            .Select(d => (Dir: d, Yaml: File.Exists(Path.Combine(d, ArtifactLayout.RunManifest)) ? File.ReadAllText(Path.Combine(d, ArtifactLayout.RunManifest)) : null))
            .Where(o => o.Yaml is not null).ToList();
        var missing = pipeline.Runs.Where(r => !Directory.Exists(ArtifactLayout.RunDir(sweepDir, r.RunId))).ToList();
        bool Same(string yaml, RunPlan run)
        {
            try { return ChangedKeys(yaml, run.ResolvedYaml).Count == 0; }
            catch (Exception e) when (e is YamlDotNet.Core.YamlException or InvalidCastException or InvalidDataException) { return false; }
        }
        var matches = missing.Select(r => (Run: r, Dirs: orphans.Where(o => Same(o.Yaml!, r)).Select(o => o.Dir).ToList())).ToList();
        // One earlier run for one new run, and no other new run wants it.
        return [.. matches.Where(m => m.Dirs.Count == 1 && matches.Count(o => o.Dirs.Contains(m.Dirs[0])) == 1).Select(m => (m.Dirs[0], m.Run))];
    }

    /// <summary>Moves the runs under runs/ that are not in <paramref name="keep"/> (a resume of a smaller sweep) to
    /// previous/&lt;UTC time&gt;/runs/, and the sweep's analysis/, which holds their rows, beside them (left in place, a
    /// `--no-analysis` resume or a stop would leave it read as this sweep's, and `status` would call it completed);
    /// returns where the runs went, or null when there were none.</summary>
    public static string? SetAsideDropped(string sweepDir, IEnumerable<string> keep)
    {
        var runsDir = Path.Combine(sweepDir, ArtifactLayout.RunsDir);
        if (!Directory.Exists(runsDir)) return null;
        var kept = keep.ToHashSet(StringComparer.Ordinal);
        var dropped = Directory.GetDirectories(runsDir).Where(d => !kept.Contains(Path.GetFileName(d))).ToList();
        if (dropped.Count == 0) return null;
        foreach (var run in dropped) SweepLock.ThrowIfHeld(run);   // a cluster task training it: moving it would split the run
        var target = Path.Combine(NewPreviousFolder(sweepDir), ArtifactLayout.RunsDir);
        Directory.CreateDirectory(target);
        foreach (var run in dropped) Directory.Move(run, Path.Combine(target, Path.GetFileName(run)));
        var analysis = Path.Combine(sweepDir, ArtifactLayout.AnalysisDir);
        if (Directory.Exists(analysis)) Directory.Move(analysis, Path.Combine(Path.GetDirectoryName(target)!, ArtifactLayout.AnalysisDir));
        return target;
    }

    /// <summary>provenance.json of a run: the code, machine, device, times and command line that produced it.</summary>
    /// <param name="SlurmJob">The Slurm array task that trained it ("&lt;array job&gt;_&lt;index&gt;"), null outside Slurm.</param>
    /// <param name="Attempt">1, or 1 + the times Slurm requeued the task (SLURM_RESTART_COUNT).</param>
    /// <param name="DataDirectory">What the run's relative data and tokenizer paths resolved against (the pipeline file's
    /// folder, or --data-dir); null for synthetic runs. `pipeline probe` defaults to it.</param>
    /// <param name="DataFingerprint">What those paths read (<see cref="Pipeline.DataFingerprint"/>), as the run first
    /// trained; a resume must read the same.</param>
    /// <param name="DataFiles">The files (relative names and sizes) and URLs behind that fingerprint, so that a refused resume
    /// can say which differ; null for synthetic runs and in files written before it was recorded.</param>
    /// <param name="DocumentIds">How documents without ids are named (<see cref="DocumentIdScheme"/>): relative or absolute;
    /// null for synthetic runs and in files written before it was recorded (whose ids were absolute).</param>
    /// <param name="AbsoluteIdsFrom">With absolute ids: the folder relative names resolve against (where the run first read
    /// its data), kept across resumes from wherever they run.</param>
    /// <param name="FromStep">The step this attempt continued from (its checkpoint's; 0 where it trained from the start).</param>
    /// <param name="EarlierAttempts">The attempts before this one, oldest first, each with its code version: a run resumed by
    /// another build has steps computed by two versions, and its provenance must not claim one trained it all. Null for a
    /// run trained in one attempt, and in files written before it was recorded.</param>
    public sealed record Provenance(string Version, string Host, string User, string Device, string Started, string? Finished, string? State,
        string CommandLine, int ProcessId, string? SlurmJob = null, int Attempt = 1, string? DataDirectory = null, string? DataFingerprint = null,
        string? DocumentIds = null, string? AbsoluteIdsFrom = null, IReadOnlyList<DataFile>? DataFiles = null, long FromStep = 0,
        IReadOnlyList<EarlierAttempt>? EarlierAttempts = null)
    {
        /// <summary>The attempts a resume of this run continues: this one after those before it.</summary>
        public IReadOnlyList<EarlierAttempt> History() =>
            [.. EarlierAttempts ?? [], new EarlierAttempt(Version, Host, Device, Started, Finished, State, FromStep, SlurmJob,
                SlurmJob is null ? null : Attempt)];
    }

    /// <summary>An earlier attempt at a run as its provenance said it: which code trained it, where, when, from which
    /// step, and how it ended (null where it was killed).</summary>
    /// <param name="Attempt">The Slurm task's attempt (1 + its requeues) beside <paramref name="SlurmJob"/>: a requeued task's
    /// attempts share its job id, and only this tells them apart. Absent outside Slurm and in files written before it was kept.</param>
    public sealed record EarlierAttempt(string Version, string Host, string Device, string Started, string? Finished, string? State,
        long FromStep, string? SlurmJob,
        [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] int? Attempt = null);

    /// <summary>The build's version with its git commit (set at build time), e.g. 1.0.0+3f2a….</summary>
    public static string CodeVersion =>
        typeof(SweepContract).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyInformationalVersionAttribute), false)
            .OfType<System.Reflection.AssemblyInformationalVersionAttribute>().FirstOrDefault()?.InformationalVersion ?? "unknown";

    public static Provenance Start(string device) => new(CodeVersion, Environment.MachineName, Environment.UserName, device,
        DateTime.UtcNow.ToString("o"), null, null, ShellWords.Join(Environment.GetCommandLineArgs()), Environment.ProcessId,
        Environment.GetEnvironmentVariable("SLURM_ARRAY_JOB_ID") is { Length: > 0 } job ? $"{job}_{Environment.GetEnvironmentVariable("SLURM_ARRAY_TASK_ID")}" : null,
        1 + (int.TryParse(Environment.GetEnvironmentVariable("SLURM_RESTART_COUNT"), out var restarts) ? restarts : 0));

    /// <summary>A run's provenance.json, or null when it has none (or it cannot be read).</summary>
    public static Provenance? ReadProvenance(string runDir)
    {
        var path = Path.Combine(runDir, "provenance.json");
        try { return File.Exists(path) ? JsonSerializer.Deserialize<Provenance>(File.ReadAllText(path), RecordJson.Options) : null; }
        catch (Exception e) when (e is JsonException or IOException) { return null; }
    }

    public static Task WriteAsync(string runDir, Provenance provenance) =>
        AtomicFile.WriteTextAsync(Path.Combine(runDir, "provenance.json"), JsonSerializer.Serialize(provenance, RecordJson.Options));
}
