namespace Retention.Spec;

/// <summary>How a load's errors are gathered into what it throws: once each, in file order, those of some runs of a
/// sweep naming the runs, and none under a path the binder mended.</summary>
internal static class LoadErrors
{
    /// <summary>Errors in file order, each once (runs that share a bad value report it once).</summary>
    public static SpecException Fail(IEnumerable<SpecError> errors) =>
        new(errors.Distinct()
            .OrderBy(e => e.Line == 0 ? 1 : 0)
            .ThenBy(e => e.Line)
            .ThenBy(e => e.Column)
            .ToList());

    /// <summary>An error that only some runs of a sweep have comes from a swept value, though a rule over two fields
    /// may name the one written in the file (heads must divide hidden, hidden swept): it says which runs.</summary>
    public static IEnumerable<SpecError> InRuns(List<(SpecError Error, string RunId)> runErrors, int runs) =>
        runErrors.GroupBy(r => r.Error).Select(g =>
        {
            var ids = g.Select(r => r.RunId).Distinct().ToList();
            if (ids.Count == runs || g.Key.Path.StartsWith(SpecSchema.SweepKey + ".", StringComparison.Ordinal)) return g.Key;
            return g.Key with { Message = $"{g.Key.Message} (in run{(ids.Count > 1 ? "s" : "")} {Messages.Listing.FirstFew(ids)})" };
        });

    public static IEnumerable<SpecError> Unmended(IEnumerable<SpecError> errors, MendedPaths mended) =>
        errors.Where(e => !mended.Covers(e.Path));
}
