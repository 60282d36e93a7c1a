namespace Retention.Spec;

/// <summary>
/// The only exception SpecLoader throws for bad input. It carries every problem found,
/// so a user can fix a file in one pass instead of one error per run.
/// </summary>
public sealed class SpecException : Exception
{
    public IReadOnlyList<SpecError> Errors { get; }

    public SpecException(IReadOnlyList<SpecError> errors)
        : base(errors.Count == 0 ? "invalid pipeline spec" : string.Join(Environment.NewLine, errors))
    {
        Errors = errors;
    }

    public SpecException(SpecError error) : this([error]) { }
}
