namespace Retention.Pipeline;

/// <summary>Where a running pipeline reports what it is doing (the host draws it).</summary>
public interface IRunProgress
{
    void RunStarted(string runId, int index, int count, long totalSteps);
    /// <summary>Called often (every step); implementations throttle their own drawing. <paramref name="data"/>: a data
    /// run's documents and tokens read so far (it has no loss); null for a training run.</summary>
    void Step(string runId, long step, double? trainLoss, DataCounts? data = null);
    void RunFinished(string runId, RunStatus status);
    void Info(string message);
    /// <summary>A `note:` (worth knowing, stops nothing): a command-line host writes it on stderr with the notes `analyze` and
    /// the other commands write there, not among the progress lines on stdout; by default it is one more message.</summary>
    void Note(string message) => Info($"note: {message}");
    /// <summary>A `warning:` (the run goes on, its results may mislead): on stderr as a note is, and as `validate`, `data` and
    /// `probe` write theirs, so stdout stays the run's progress and results; by default it is one more message.</summary>
    void Warning(string message) => Info($"warning: {message}");
    /// <summary>These runs train together as one program (they share steps and timing); a display
    /// may show them as one line. Called before their RunStarted. <paramref name="reportsLoss"/>: false for runs that train
    /// nothing (experiment: data), whose steps never carry a loss, so a display does not show one as missing.</summary>
    void GroupStarted(IReadOnlyList<string> runIds, bool reportsLoss = true) { }
    /// <summary>A run a --resume skips because it completed earlier: it counts as finished, one of <paramref name="count"/>.</summary>
    void RunCompletedEarlier(string runId, int count) { }
    /// <summary>The run continues from its checkpoint at <paramref name="step"/> (a --resume), said before its first new step:
    /// where it stands if this attempt ends before reporting one.</summary>
    void Resumed(string runId, long step) { }
}

/// <param name="Steps">The last step the run reached (of all its attempts).</param>
/// <param name="Seconds">How long this attempt took.</param>
/// <param name="FromStep">The step this attempt started after: 0, or the checkpoint's step when it resumed.</param>
public sealed record RunStatus(string State, long Steps, double Seconds, string? Error = null, long FromStep = 0)
{
    /// <summary>Steps trained by this attempt.</summary>
    public long AttemptSteps => Math.Max(0, Steps - FromStep);

    /// <summary>The tables a completed run wrote, by name (metrics, train, …): what a resume, a resubmission and `status`
    /// check it still has, so a later version that writes one more table does not take the run for damaged. Null in
    /// other states, and in runs an earlier version completed (the experiment's tables are checked then).</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string>? Tables { get; init; }

    public static RunStatus Completed(long steps, double s) => new("completed", steps, s);

    /// <summary>The state of a run whose data ran out before its last step (every source's epochs read): a failure
    /// to `status` and to `run`'s exit code, though its tables up to there are complete.</summary>
    public const string DataExhausted = "data exhausted";

    /// <summary>How a run that reached <paramref name="lastStep"/> of <paramref name="steps"/> ended:
    /// completed, interrupted (Ctrl+C), or its data ran out first.</summary>
    public static RunStatus After(long lastStep, long steps, double seconds, bool stopped) =>
        lastStep == steps ? Completed(lastStep, seconds)
        : stopped ? new("interrupted", lastStep, seconds)
        // The error says it in status.json too: a script reading state or error there sees why, as `status` and `run` say.
        : new(DataExhausted, lastStep, seconds, $"ran out of data at step {lastStep:N0} of {steps:N0}: its sources' epochs were all read; " +
            "give them more (data.sources[].epochs, 0 repeats forever) or lower train.steps (its tables up to that step are complete)");
}

public sealed class SilentProgress : IRunProgress
{
    public static readonly SilentProgress Instance = new();
    public void RunStarted(string runId, int index, int count, long totalSteps) { }
    public void Step(string runId, long step, double? trainLoss, DataCounts? data = null) { }
    public void RunFinished(string runId, RunStatus status) { }
    public void Info(string message) { }
}
