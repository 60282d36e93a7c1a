namespace Retention.Messages;

/// <summary>
/// The least value a whole-number option takes, and how a value below it is refused: one rule for an option as the CLI
/// parses it (the host's WholeOptions.AtLeast) and for a record that option fills (SlurmResources.Problems), so the two
/// never disagree on the bound or the words.
/// </summary>
/// <param name="Meaning">What the least value means, said with the refusal ("0 = no limit").</param>
public sealed record LeastValue(long Least, string? Meaning = null)
{
    /// <summary>"--max-parallel must be ≥ 0 (0 = no limit), got -1"; null where <paramref name="value"/> is not below it.</summary>
    public string? Refusal(string option, long value) =>
        value < Least ? $"{option} must be ≥ {Least}{(Meaning is null ? "" : $" ({Meaning})")}, got {value}" : null;
}
