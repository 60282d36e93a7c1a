using System.Text.Json;
using Retention.Artifacts;

namespace Retention.Analysis;

/// <summary>
/// That the sweep's latest local `pipeline run` trained it with --no-analysis, kept as <c>&lt;sweep&gt;/no-analysis.json</c>:
/// once that run has ended its lock no longer says so, and a query naming a table of the sweep's analysis could only guess
/// why none was written (<see cref="UnwrittenTable"/>). Written as the run starts training (a run killed is recorded too),
/// removed by a `run` that analyses; an analysis or a submission after it is told apart by time (<see cref="StartedUtc"/>).
/// </summary>
/// <param name="Started">When the run started training (UTC, ISO 8601).</param>
public sealed record NoAnalysisRun(string Started)
{
    public const string FileName = "no-analysis.json";

    public static string PathOf(string sweepDir) => Path.Combine(Path.GetFullPath(sweepDir), FileName);

    [System.Text.Json.Serialization.JsonIgnore]   // Started, parsed: the file has it once
    public DateTime StartedUtc => DateTime.Parse(Started, null, System.Globalization.DateTimeStyles.RoundtripKind).ToUniversalTime();

    /// <summary>Records a `run --no-analysis` of the sweep starting now. Best effort: the record only words a note, and must
    /// not stop the training.</summary>
    public static async Task RecordAsync(string sweepDir)
    {
        try { await AtomicFile.WriteTextAsync(PathOf(sweepDir), JsonSerializer.Serialize(new NoAnalysisRun(DateTime.UtcNow.ToString("o")), RecordJson.Options)); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }

    /// <summary>Forgets it: a `run` that analyses is training the sweep now.</summary>
    public static void Forget(string sweepDir)
    {
        try { File.Delete(PathOf(sweepDir)); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }

    /// <summary>The sweep's record, or null where there is none or it does not parse.</summary>
    public static NoAnalysisRun? Read(string sweepDir)
    {
        try
        {
            var record = JsonSerializer.Deserialize<NoAnalysisRun>(File.ReadAllText(PathOf(sweepDir)), RecordJson.Options);
            return record is not null && DateTime.TryParse(record.Started, null, System.Globalization.DateTimeStyles.RoundtripKind, out _) ? record : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException) { return null; }
    }
}
