namespace Retention.Messages;

/// <summary>
/// The least value a whole-number option takes, and how a value below it is refused: one rule for an option as the CLI
/// parses it (the host's WholeOptions.AtLeast) and for a record that option fills (SlurmResources.Problems), so the two
/// never disagree on the bound or the words.
/// </summary>
/// <param name="Meaning">What the least value means, said with the refusal ("0 = no limit").</param>
/// <param name="Most">The greatest value, for an option bounded above too (--signal-lead): refused in the same words, which
/// then name both bounds.</param>
public sealed record LeastValue(long Least, string? Meaning = null, long? Most = null)
{
    /// <summary>"--max-parallel must be ≥ 0 (0 = no limit), got -1", "--signal-lead must be from 10 to 65535 (seconds), got 5";
    /// null where <paramref name="value"/> is within the bounds.</summary>
    public string? Refusal(string option, long value) =>
        value < Least || value > Most
            ? $"{option} must be {(Most is { } most ? $"from {Least} to {most}" : $"≥ {Least}")}{(Meaning is null ? "" : $" ({Meaning})")}, got {value}"
            : null;
}
