namespace Retention.Data.Corpus;

/// <summary>
/// A data command failed while reading its sources or writing its new set, before the swap (<see cref="StagedOutput"/>):
/// the output folder is as it was, which the error says, so that a user whose run failed half-way through a corpus
/// (a shard refused, a disk fault) knows the earlier set is still there and whole, not half replaced.
/// </summary>
public sealed class OutputKeptException(string target, Exception inner)
    : IOException($"{inner.Message}; {target} was left as it was (the new set is written beside it and swapped in only once complete)", inner)
{
    /// <summary>Whether a failure is said this way: not a stop (Ctrl+C says "interrupted"), nor a check of what the command was
    /// given (a usage error, exit 2).</summary>
    public static bool Wraps(Exception e) => e is not (OperationCanceledException or ArgumentException or OutputKeptException);
}
