namespace Retention.Spec;

/// <summary>
/// The sweep's runs refused for their memory (<see cref="SpecErrorKind.Memory"/>), each by its run, kept apart from the
/// load's other errors: a command that will not train some runs (a --resume's completed ones, perhaps trained on a machine
/// with more memory) is not refused for theirs.
/// </summary>
/// <param name="Of">Each memory error with the run it was found in.</param>
/// <param name="Runs">The runs the sweep expanded to: an error every one of them has names none.</param>
internal sealed record RunMemoryErrors(IReadOnlyList<(SpecError Error, string RunId)> Of, int Runs)
{
    /// <summary>The errors as the load says them (<see cref="LoadErrors.InRuns"/>), leaving out those of the runs in
    /// <paramref name="notTrained"/>: an error is said naming the runs that still have it (none where every run of the sweep does).</summary>
    public IReadOnlyList<SpecError> Except(IReadOnlySet<string> notTrained) =>
        [.. LoadErrors.InRuns([.. Of.Where(e => !notTrained.Contains(e.RunId))], Runs)];
}
