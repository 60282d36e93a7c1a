namespace Retention.Data;

/// <summary>
/// The data stage cannot go on: a source is misconfigured (no shard matches, unknown format), a
/// checkpoint cursor does not fit the data any more, or, with <c>strict: true</c>, the first
/// data-quality issue. In the last case <see cref="Issue"/> is set and the message reads
/// <c>shard:line: reason: detail</c>.
/// </summary>
public sealed class DataException : Exception
{
    public DataException(string message) : base(message) { }

    public DataException(DataQualityIssue issue)
        : base(Format(issue)) => Issue = issue;

    /// <summary>The issue that stopped a strict source; null for other failures.</summary>
    public DataQualityIssue? Issue { get; }

    public static string Format(DataQualityIssue issue) =>
        $"{issue.Shard}:{issue.Line}: {issue.Reason}: {issue.Detail}";
}
