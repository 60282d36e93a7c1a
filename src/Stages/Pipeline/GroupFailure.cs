using Retention.Synthetic;

namespace Retention.Pipeline;

/// <summary>How a group's failure reads: a stop rather than a failure, the run it names, and whether an OLMo run's
/// checkpoint survived it.</summary>
static class GroupFailure
{
    public static bool IsCancellation(Exception e) => e switch
    {
        OperationCanceledException => true,
        AggregateException a => a.InnerExceptions.All(IsCancellation),
        { InnerException: { } inner } => IsCancellation(inner),
        _ => false,
    };

    /// <summary>Said after the error when a failure of the machine around an OLMo run left its checkpoint good; else empty.</summary>
    public static string ResumableNote(Exception e, string experiment, string runDir) =>
        experiment == "olmo" && IsInfrastructure(e) && CheckpointStepOf(runDir) is { } at
            ? $" (its checkpoint at step {at:N0} is kept: `pipeline run ... --resume` continues from it once that is fixed)" : "";

    /// <summary>Whether the failure came from outside the run's own work (a shard that could not be read, a network or
    /// disk fault), so that the run resumes as it was once that is fixed.</summary>
    static bool IsInfrastructure(Exception e)
    {
        for (Exception? x = e; x is not null; x = x.InnerException)
            if (x is IOException or HttpRequestException or UnauthorizedAccessException) return true;
        return false;
    }

    /// <summary>The step of an OLMo run's checkpoint, or null when it has none that reads.</summary>
    static long? CheckpointStepOf(string runDir)
    {
        var dir = Training.CheckpointFolder.Of(runDir);
        if (!Directory.Exists(dir)) return null;
        try { return Training.OlmoTrainer.Describe(dir).Step; }
        catch (Exception e) when (e is IOException or System.Text.Json.JsonException or InvalidDataException or UnauthorizedAccessException or Artifacts.ArtifactException) { return null; }
    }

    /// <summary>The run a failure names, if any (a non-finite loss names its cell).</summary>
    public static string? Culprit(Exception e)
    {
        for (Exception? x = e; x is not null; x = x.InnerException)
            if (x is NonFiniteLossException n) return n.RunId;
            else if (x is Training.DivergedException d) return d.RunId;
        return null;
    }

    /// <summary>Said after a failed group's error when its end could not be recorded (<paramref name="write"/>: the first
    /// write of a status.json or provenance.json that failed; null: all were written). Said here because it is the only
    /// place the error is then kept: a run without status.json reads in `status` as one that ended without a word.</summary>
    public static string UnrecordedNote(Exception? write) => write is null ? "" :
        $"; recording it in the run's folder failed too ({write.Message}), so `pipeline status` may not show this error";

    /// <summary>What a run of a group records when another run of it failed (a non-finite loss, a divergence): it stopped
    /// because they train together, not for anything of its own; the error stays, as it names the run to change.</summary>
    public static string StoppedWithGroup(string culprit, string error) =>
        $"stopped with its group (its runs train together) when run '{culprit}' failed: {error}";
}
