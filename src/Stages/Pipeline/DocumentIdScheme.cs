using Retention.Artifacts;

namespace Retention.Pipeline;

/// <summary>
/// How a run names documents without an id of their own, which decides its held-out split (a hash of source and id).
/// Fixed when the run first trains and recorded in its provenance.json, so a resume never switches the split mid-run:
/// "relative" names them from the shard's path as the source's entries spell it (<see cref="Data.Shard.IdName"/>);
/// "absolute" by the absolute path as runs trained before names were relative did, relative names resolved against the
/// folder recorded with it (the folder the run's paths first resolved against), so such a run keeps its split even
/// when the project has moved since.
/// </summary>
public static class DocumentIdScheme
{
    public const string Relative = "relative", Absolute = "absolute";

    /// <summary>The scheme of a run about to train: that of its earlier attempt (its provenance.json, when resuming),
    /// absolute for an attempt whose provenance predates the scheme, relative for a new run.</summary>
    /// <param name="earlier">The provenance the run's earlier attempt wrote, or null (a new run, or not resuming).</param>
    /// <param name="dataDirectory">The folder this attempt resolves relative paths against (absolute).</param>
    /// <returns>What to record, and the folder for <see cref="Data.DataStreamSpec.AbsoluteIdsFrom"/> (null: relative).</returns>
    /// <param name="runDir">The run's folder, for the message.</param>
    /// <exception cref="ArtifactException">The recorded scheme is one this version does not know.</exception>
    public static (string Scheme, string? AbsoluteFrom) For(SweepContract.Provenance? earlier, string dataDirectory, string runDir) => earlier switch
    {
        null => (Relative, null),
        { DocumentIds: Relative } => (Relative, null),
        { DocumentIds: Absolute } => (Absolute, earlier.AbsoluteIdsFrom ?? earlier.DataDirectory ?? dataDirectory),
        // Written before the scheme was recorded: ids were absolute paths, resolved against the folder it recorded.
        { DocumentIds: null } => (Absolute, earlier.DataDirectory ?? dataDirectory),
        _ => throw new ArtifactException(Path.Combine(runDir, "provenance.json"), $"document_ids is '{earlier.DocumentIds}', a scheme this " +
            $"version does not know ({Relative} or {Absolute}); the run cannot be continued on the same held-out split: continue it with the " +
            "version that trained it, or run without --resume to train afresh"),
    };
}
