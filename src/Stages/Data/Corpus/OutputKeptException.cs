namespace Retention.Data.Corpus;

/// <summary>
/// A data command failed while reading its sources or writing its new set, before the swap (<see cref="StagedOutput"/>):
/// the output folder is as it was, which the error says, so that a user whose run failed half-way through a corpus
/// (a shard refused, a disk fault) knows the earlier set is still there and whole, not half replaced.
/// </summary>
public sealed class OutputKeptException(string target, Exception inner)
    : IOException($"{inner.Message}; {Kept(target)} (the new set is written beside it and swapped in only once complete)", inner)
{
    /// <summary>Whether a failure is said this way: not a stop (Ctrl+C says "interrupted"), nor a check of what the command was
    /// given (a usage error, exit 2).</summary>
    public static bool Wraps(Exception e) => e is not (OperationCanceledException or ArgumentException or OutputKeptException);

    /// <summary>"OUT was left as it was", or, where there was no OUT before, "OUT was not created": said of a folder that never
    /// existed, "left as it was" sent users looking for an earlier set that was never there.</summary>
    public static string Kept(string target) => Directory.Exists(target) ? $"{target} was left as it was" : $"{target} was not created";
}
