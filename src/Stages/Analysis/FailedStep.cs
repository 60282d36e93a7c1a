namespace Retention.Analysis;

/// <summary>One of several failed analysis steps as the sweep's outcome keeps it: its error without positions and where it
/// is declared ("file:line:column", the file absolute; null where not known, e.g. a step a --set declared).</summary>
public sealed record FailedStep(string Error, string? At)
{
    /// <summary>The combined error (<see cref="AnalysisException.Combined"/>: "2 plots: A; B (note)") with each step's
    /// position before its part, as `analyze` said it; the error unchanged where a part is not found in it in order
    /// (an outcome written otherwise: a wrong position is worse than none).</summary>
    public static string Placed(string error, IReadOnlyList<FailedStep> steps)
    {
        var said = new System.Text.StringBuilder();
        int from = 0;
        foreach (var step in steps)
        {
            int at = error.IndexOf(step.Error, from, StringComparison.Ordinal);
            if (at < 0) return error;
            said.Append(error, from, at - from);
            if (step.At is not null) said.Append(DeclaredPosition.Shown(step.At)).Append(": ");
            said.Append(step.Error);
            from = at + step.Error.Length;
        }
        return said.Append(error, from, error.Length - from).ToString();
    }
}
