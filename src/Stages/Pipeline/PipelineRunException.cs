namespace Retention.Pipeline;

/// <summary>A run of the sweep failed; names the run and where its partial artifacts are.</summary>
/// <param name="note">Said after the cause (how to continue), or empty.</param>
public sealed class PipelineRunException(string run, string runDir, Exception inner, string note = "")
    : Exception($"run '{run}' failed: {inner.Message}{note} (artifacts written so far are in {runDir})", inner)
{
    public string Run { get; } = run;
}
