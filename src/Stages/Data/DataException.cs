namespace Retention.Data;

/// <summary>
/// The data stage cannot go on: a source is misconfigured (no shard matches, unknown format), a
/// checkpoint cursor does not fit the data any more, or, with <c>strict: true</c>, the first
/// data-quality issue. In the last case <see cref="Issue"/> is set and the message reads
/// <c>shard:line: reason: detail (strict: ...)</c>.
/// </summary>
public sealed class DataException : Exception
{
    public DataException(string message) : base(message) { }

    /// <summary>A strict source's stop: the issue's detail says what a lenient source does with it ("the shard is skipped"),
    /// so the message says that this one stops instead.</summary>
    public DataException(DataQualityIssue issue)
        : base($"{Format(issue)} (strict: true: the run stops at the first data-quality issue instead)") => Issue = issue;

    /// <summary>A tokenizer file without the EOS token asked for: that token (the caller names its own way to give another,
    /// data.tokenizer.eos_token or --eos-token); null for other failures.</summary>
    public string? MissingEosToken { get; init; }

    /// <summary>The issue that stopped a strict source; null for other failures.</summary>
    public DataQualityIssue? Issue { get; }

    public static string Format(DataQualityIssue issue) =>
        $"{issue.Shard}:{issue.Line}: {issue.Reason}: {issue.Detail}";
}
