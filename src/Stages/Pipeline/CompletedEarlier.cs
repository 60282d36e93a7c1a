using Retention.Spec;

namespace Retention.Pipeline;

/// <summary>
/// The runs of a sweep that a --resume (or a resubmission) skips as completed earlier, as it finds them before it renames
/// any (<see cref="ResumeRefusals.Found"/>): the load does not refuse the sweep for their memory, since they will not train
/// again, and may have trained on a machine with more.
/// </summary>
public static class CompletedEarlier
{
    /// <summary>The ids of the runs of the sweep in <paramref name="sweepDir"/> whose status says completed.</summary>
    public static IReadOnlySet<string> Runs(LoadedPipeline pipeline, string sweepDir)
    {
        try
        {
            var (_, ends) = ResumeRefusals.Found(pipeline, sweepDir);
            return ends.Where(e => e.Value is { State: "completed" }).Select(e => e.Key).ToHashSet(StringComparer.Ordinal);
        }
        // A status that cannot be read: none is left out, and the resume is refused for that file before its memory.
        catch (SweepContractException) { return new HashSet<string>(); }
    }
}
