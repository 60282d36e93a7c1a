namespace Retention.Pipeline;

/// <summary>A stage of the graph failed; names the stage and keeps the original error.</summary>
public sealed class StageException(string stage, Exception inner)
    : Exception($"stage '{stage}' failed: {inner.Message}", inner)
{
    public string Stage { get; } = stage;
}
