namespace Retention.Spec;

/// <summary>
/// One problem in a pipeline spec. <paramref name="Source"/> is the file name, or
/// "--set path=value" for an override; Line and Column are 1-based and 0 when the
/// problem has no position (a --set value, a missing file).
/// <paramref name="Path"/> is the dotted path of the offending node, e.g. train.steps,
/// analysis.plots[0].kind, sweep.synthetic.width[1]; empty for the whole document.
/// </summary>
public sealed record SpecError(string Source, int Line, int Column, string Path, string Message)
{
    /// <summary>What the error is a refusal of (<see cref="SpecErrorKind"/>): read by its kind, never by its words.</summary>
    public SpecErrorKind Kind { get; init; } = SpecErrorKind.Rule;

    /// <summary>"source:line:col: path: message", the shape compilers use so editors can jump to it.</summary>
    public override string ToString() =>
        Path.Length > 0 ? $"{Where}: {Path}: {Message}" : $"{Where}: {Message}";

    /// <summary>"source:line:col", or the source alone when there is no position.</summary>
    public string Where => Line > 0 ? $"{Source}:{Line}:{Column}" : Source;

    /// <summary>The error as one profile other than the selected one meets it ("... (with --profile gpu)").</summary>
    public SpecError InProfile(string profile) => this with { Message = $"{Message}{ProfileMark}{profile})" };

    /// <summary>Whether the error is a profile's: met with one (<see cref="InProfile"/>), or in the profiles section itself.</summary>
    public bool IsOfAProfile => Message.Contains(ProfileMark, StringComparison.Ordinal) || Path == "profiles" || Path.StartsWith("profiles.", StringComparison.Ordinal);

    const string ProfileMark = " (with --profile ";
}

/// <summary>What a <see cref="SpecError"/> refuses, for a command that answers one kind apart: `run` refuses a file whose only
/// errors are <see cref="Memory"/> ones for what fewer or smaller runs would not mend first (a missing device, a held sweep).</summary>
public enum SpecErrorKind
{
    /// <summary>The file breaks a rule: a bad value, key, path or SQL.</summary>
    Rule,
    /// <summary>The file is valid, but its runs need more memory than they will have (this machine's, or a Slurm task's --mem).</summary>
    Memory,
}
