using System.Text.Json;
using Retention.Artifacts;

namespace Retention.Analysis;

/// <summary>
/// How the latest analysis of a sweep ended, kept as <c>analysis/outcome.json</c>: `status` reports it (a local run's
/// analysis that failed, or an `analyze` that succeeded after a submitted analysis job failed), so a script polling
/// `status` does not take stale or missing tables for done. Replaced by a <see cref="Started"/> record when an analysis
/// starts, so a kill leaves that (which <see cref="Read"/> takes for none); replaced, never deleted first, so the file's
/// space is there for the failure of an analysis that filled the disk (<see cref="Write"/>).
/// </summary>
/// <param name="State">"completed", "failed", <see cref="Interrupted"/>, or <see cref="Started"/>.</param>
/// <param name="Finished">When it ended (UTC, ISO 8601).</param>
/// <param name="At">Where the failed step is declared ("file:line:column", the file absolute), when the analysis knew it.</param>
/// <param name="FailedSteps">Where several steps failed (plots, which do not stop each other): each one's error and position,
/// as <paramref name="At"/> is for one; null otherwise. Without them `status` could not say where any of them is declared.</param>
/// <param name="Tables">The tables of analysis/ this analysis wrote, in order: the current ones. Null in outcomes written
/// before it was recorded, and for an analysis that failed before any step (a damaged run file).</param>
/// <param name="NotWritten">The analysis's tables a failed table left unwritten (it and those after it); null where none.</param>
/// <param name="MovedTo">Where an earlier analysis's files of those tables and of the plots went (previous/&lt;time&gt;/analysis/),
/// so that analysis/ holds this analysis's tables only; null where there were none.</param>
public sealed record AnalysisOutcome(string State, string? Error, string Finished, string? At = null, IReadOnlyList<FailedStep>? FailedSteps = null,
    IReadOnlyList<string>? Tables = null, IReadOnlyList<string>? NotWritten = null, string? MovedTo = null)
{
    public const string FileName = "outcome.json";

    /// <summary>The runs were stopped before the analysis could run on them (no logged rows yet): not a failure of the
    /// analysis (`status` exits 4, as for the interrupted runs), and `run --resume` runs it once they finish.</summary>
    public const string Interrupted = "interrupted";

    /// <summary>An analysis is writing (or was killed while it wrote): no outcome yet.</summary>
    public const string Started = "started";

    public static string PathOf(string sweepDir) => Path.Combine(Path.GetFullPath(sweepDir), ArtifactLayout.AnalysisDir, FileName);

    /// <summary>The error as `run` and `analyze` said it: after the failed step's position where it is known
    /// (<see cref="DeclaredPosition.Shown"/>); after a failed table, with a line saying which tables are current.</summary>
    // Not written to outcome.json: said for the folder the writer ran in, a relative position there would mislead a reader
    // elsewhere (the file keeps At absolute for that); `status` says it again where it runs.
    [System.Text.Json.Serialization.JsonIgnore]
    public string? Said => Error is null ? null
        : (At is not null ? $"{DeclaredPosition.Shown(At)}: {Error}"
        : FailedSteps is { Count: > 0 } steps ? FailedStep.Placed(Error, steps)
        : Error) + Current;

    /// <summary>"\n(analysis/ holds this analysis's table a only; b, c not written; the earlier analysis's tables and plots this
    /// one did not write moved to DIR)" after a failed table; empty otherwise (a failed plot leaves every table written; a failure at the
    /// first table with no earlier analysis there leaves nothing to tell apart).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string Current => NotWritten is not { Count: > 0 } missing || Tables is not { Count: > 0 } && MovedTo is null ? ""   // nothing there to tell apart
        : $"\n(analysis/ holds {(Tables is { Count: > 0 } t ? $"this analysis's {(t.Count == 1 ? "table" : "tables")} {string.Join(", ", t)} only" : "none of this analysis's tables")}; " +
          $"{string.Join(", ", missing)} not written" +
          (MovedTo is null ? ")" : $"; the earlier analysis's tables and plots this one did not write moved to {MovedTo})");

    [System.Text.Json.Serialization.JsonIgnore]   // Finished, parsed: the file has it once
    public DateTime FinishedUtc => DateTime.Parse(Finished, null, System.Globalization.DateTimeStyles.RoundtripKind).ToUniversalTime();

    /// <summary>The sweep's outcome, or null when there is none (no analysis ran, one is running or was killed) or it does not parse.</summary>
    public static AnalysisOutcome? Read(string sweepDir) =>
        Record(sweepDir) is { State: "completed" or "failed" or Interrupted } outcome && DateTime.TryParse(outcome.Finished, out _) ? outcome : null;

    /// <summary>When the latest analysis of the sweep started or ended, whatever became of it (a <see cref="Started"/> record
    /// too: an analysis killed began after what came before it); null where none has run or the record does not parse.</summary>
    public static DateTime? LatestUtc(string sweepDir) =>
        Record(sweepDir) is { } outcome && DateTime.TryParse(outcome.Finished, null, System.Globalization.DateTimeStyles.RoundtripKind, out var at)
            ? at.ToUniversalTime() : null;

    /// <summary>The record as the file holds it, in any state; null where there is none or it does not parse.</summary>
    static AnalysisOutcome? Record(string sweepDir)
    {
        try { return JsonSerializer.Deserialize<AnalysisOutcome>(File.ReadAllText(PathOf(sweepDir)), RecordJson.Options); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException) { return null; }
    }

    /// <summary>Forgets the last outcome as an analysis starts: a <see cref="Started"/> record in its place (deleted where
    /// even that cannot be written, so an earlier "completed" never stands over tables being rewritten).</summary>
    public static void Begin(string sweepDir)
    {
        try { Write(sweepDir, new AnalysisOutcome(Started, null, DateTime.UtcNow.ToString("o"))); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            try { File.Delete(PathOf(sweepDir)); }
            catch (Exception e2) when (e2 is IOException or UnauthorizedAccessException) { }
        }
    }

    /// <summary>Writes the record under .tmp and renames it; where that fails (a full disk has no block for the .tmp), over
    /// the file in place: the record it replaces holds a block already, which a deleted one would have given to the
    /// analysis's tables, leaving the failure that filled the disk unrecorded (and `status` saying it was killed). A write
    /// in place cut short leaves a file that does not parse: no outcome, as before.</summary>
    static void Write(string sweepDir, AnalysisOutcome outcome)
    {
        var path = PathOf(sweepDir);
        var text = JsonSerializer.Serialize(outcome, RecordJson.Options);
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            AtomicFile.WriteText(path, text);
        }
        catch (IOException) when (File.Exists(path))
        {
            var bytes = System.Text.Encoding.UTF8.GetBytes(text);
            using var file = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite);
            file.Write(bytes);
            file.SetLength(bytes.Length);
            file.Flush(flushToDisk: true);
        }
    }

    /// <summary>Records how the analysis ended. Best effort: a full disk that failed the analysis must not hide its error.</summary>
    /// <param name="declaredAt">Where the failed step is declared, as the failure said it (a relative file is made absolute).</param>
    /// <param name="failedSteps">The failed steps of a combined failure (<see cref="AnalysisException.Parts"/>), or none.</param>
    /// <param name="current">The outcome's <see cref="Tables"/>, <see cref="NotWritten"/> and <see cref="MovedTo"/>.</param>
    public static Task RecordAsync(string sweepDir, string state, string? error = null, string? declaredAt = null,
        IReadOnlyList<AnalysisException>? failedSteps = null,
        (IReadOnlyList<string>? Tables, IReadOnlyList<string>? NotWritten, string? MovedTo) current = default)
    {
        IReadOnlyList<FailedStep>? steps = failedSteps is { Count: > 0 }
            ? [.. failedSteps.Select(p => new FailedStep(p.WithoutPositions, DeclaredPosition.Absolute(p.DeclaredAt)))]
            : null;
        try { Write(sweepDir, new AnalysisOutcome(state, error, DateTime.UtcNow.ToString("o"), DeclaredPosition.Absolute(declaredAt), steps,
            current.Tables, current.NotWritten is { Count: > 0 } ? current.NotWritten : null,
            current.MovedTo is null ? null : Path.GetFullPath(current.MovedTo))); }   // absolute: `status` may run elsewhere
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        return Task.CompletedTask;
    }
}
