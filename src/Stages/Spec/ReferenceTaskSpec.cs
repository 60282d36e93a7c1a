namespace Retention.Spec;

/// <summary>
/// A reference task (paper Fig 6a): arithmetic written as text, never injected, scored at every evaluation
/// beside the injected tasks, so their learning can be set against a task the corpus itself teaches. Each
/// instance is <see cref="Template"/> with {a}, {b} (operands of <see cref="Digits"/> digits, drawn from
/// <see cref="Seed"/>), {op} (the operation's sign) and {c} (the answer, which ends the template); the model
/// reads the text before {c} and is scored on the answer's tokens.
/// </summary>
public sealed record ReferenceTaskSpec
{
    /// <summary>Its name in task_metrics (split "reference"); default ref_&lt;operation&gt;.</summary>
    public string? Name { get; init; }

    public string TaskName => Name ?? $"ref_{Operation}";
    /// <summary>add | subtract | multiply.</summary>
    public string Operation { get; init; } = "add";
    /// <summary>Digits of each operand (1: 0–9; d > 1: 10^(d−1) to 10^d − 1).</summary>
    public int Digits { get; init; } = 2;
    /// <summary>The instance's text; must end with {c}. The answer is scored with the space before it, as text writes it.</summary>
    public string Template { get; init; } = "{a} {op} {b} = {c}";
    public int Instances { get; init; } = 500;
    public int Seed { get; init; }
}
