using System.Text.Json;
using Retention.Artifacts;

namespace Retention.Cluster;

/// <summary>
/// One `pipeline submit` of a sweep, kept in <c>&lt;sweep&gt;/slurm/submit-&lt;n&gt;/submission.json</c>: which runs
/// each array task trains (task i trains <c>Tasks[i]</c>), how to load the pipeline again (the resolved
/// pipeline.yaml beside it, the profile and the folder its relative paths resolve against) and the job
/// ids Slurm gave. A resubmission is a new submit-&lt;n+1&gt; holding only the runs still to train.
/// </summary>
/// <param name="WithoutAnalysis">The pipeline declares no analysis, so no analysis job was queued after the array (nor its
/// script written): `analyze` and `status` must not wait for one. False in a submission.json written before this was recorded.</param>
public sealed record SlurmSubmission(
    int Number,
    string SweepDir,
    string ArtifactsRoot,
    string? Profile,
    string BaseDirectory,
    IReadOnlyList<IReadOnlyList<string>> Tasks,
    SlurmResources Resources,
    string Submitted,
    string? ArrayJobId = null,
    string? AnalysisJobId = null,
    bool WithoutAnalysis = false)
{
    public const string Folder = "slurm";
    public const string FileName = "submission.json";
    public const string PipelineCopy = "pipeline.yaml";
    public const string ArrayScript = "array.sbatch";
    public const string AnalysisScript = "analysis.sbatch";
    public const string LogsFolder = "logs";
    /// <summary>One line per self-requeue, written by the job script: "&lt;time&gt; &lt;task&gt;".</summary>
    public const string RequeueLog = "requeues.log";

    public string Directory => DirectoryOf(SweepDir, Number);

    /// <summary><see cref="Submitted"/>, parsed (UTC); null where it does not parse, which orders nothing.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public DateTime? SubmittedUtc =>
        DateTime.TryParse(Submitted, null, System.Globalization.DateTimeStyles.RoundtripKind, out var at) ? at.ToUniversalTime() : null;

    public static string DirectoryOf(string sweepDir, int number) => Path.Combine(sweepDir, Folder, $"submit-{number}");

    /// <summary>The analysis job's log (--output analysis-%j.out), once it was submitted.</summary>
    public string? AnalysisLog => AnalysisJobId is null ? null : Path.Combine(Directory, LogsFolder, $"analysis-{AnalysisJobId}.out");

    /// <summary>The task log Slurm writes (--output %A_%a.out).</summary>
    public string LogOf(int task) => Path.Combine(Directory, LogsFolder, $"{ArrayJobId ?? "%A"}_{task}.out");

    public Task SaveAsync() => AtomicFile.WriteTextAsync(Path.Combine(Directory, FileName), JsonSerializer.Serialize(this, RecordJson.Options));

    /// <exception cref="FileNotFoundException">The folder holds no submission.</exception>
    public static SlurmSubmission Read(string directory)
    {
        var path = Path.Combine(directory, FileName);
        if (!File.Exists(path)) throw new FileNotFoundException($"{directory} holds no {FileName}: not a folder written by `pipeline submit`", path);
        try
        {
            return JsonSerializer.Deserialize<SlurmSubmission>(File.ReadAllText(path), RecordJson.Options)
                ?? throw new InvalidDataException("empty");
        }
        catch (Exception e) when (e is JsonException or InvalidDataException or NotSupportedException)
        {
            throw new ArtifactException(path, $"not a readable submission ({e.Message})", e);
        }
    }

    /// <summary>Every submission of a sweep, oldest first.</summary>
    public static IReadOnlyList<SlurmSubmission> All(string sweepDir)
    {
        var folder = Path.Combine(sweepDir, Folder);
        if (!System.IO.Directory.Exists(folder)) return [];
        return [.. System.IO.Directory.EnumerateDirectories(folder, "submit-*")
            .Select(d => (Dir: d, N: int.TryParse(Path.GetFileName(d)["submit-".Length..], out var n) ? n : -1))
            .Where(d => d.N > 0 && File.Exists(Path.Combine(d.Dir, FileName)))
            .OrderBy(d => d.N)
            .Select(d => Read(d.Dir))];
    }

    /// <summary>The number the next submission of the sweep takes.</summary>
    public static int NextNumber(string sweepDir) => All(sweepDir).Select(s => s.Number).DefaultIfEmpty(0).Max() + 1;

    /// <summary>How many times each task requeued itself (from <see cref="RequeueLog"/>).</summary>
    public IReadOnlyDictionary<int, int> Requeues()
    {
        var path = Path.Combine(Directory, RequeueLog);
        if (!File.Exists(path)) return new Dictionary<int, int>();
        return File.ReadLines(path).Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(p => p.Length >= 2 && int.TryParse(p[1], out _))
            .GroupBy(p => int.Parse(p[1])).ToDictionary(g => g.Key, g => g.Count());
    }
}
