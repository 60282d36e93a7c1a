namespace Retention.Analysis;

/// <summary>
/// An analysis step that failed; the message starts with the step ("analysis table 'final_loss'",
/// "plot 'retention' overlay 1") followed by the cause, e.g. DuckDB's own error message.
/// </summary>
public sealed class AnalysisException : Exception
{
    public AnalysisException(string step, string message, Exception? inner = null)
        : base($"{step}: {message}", inner)
    {
        Step = step;
        Cause = message;
    }

    public string Step { get; }

    /// <summary>The message without the step.</summary>
    public string Cause { get; }
}
