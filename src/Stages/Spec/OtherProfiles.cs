namespace Retention.Spec;

/// <summary>What each profile of a file other than the selected one would meet: a typo in the gpu profile is found on
/// the laptop, not when a cluster job selects it.</summary>
internal static class OtherProfiles
{
    /// <summary>
    /// Each profile's errors without --set overrides, path checks or this machine's memory, each marked with its
    /// profile. The file's duplicate keys (<paramref name="duplicates"/>, reported once for the file) are left out.
    /// Empty when they all load.
    /// </summary>
    public static IReadOnlyList<SpecError> Errors(string yaml, string sourceName, string? profile, string baseDirectory,
        IReadOnlyCollection<SpecError> duplicates, Analysis.AnalysisCheckMoment analysisMoment)
    {
        var errors = new List<SpecError>();
        var sources = new SourceMap(sourceName);
        foreach (var name in Profiles.Names(PipelineDocument.Parse(yaml, sources, []), sources).Where(n => n != profile))
        {
            try { SpecLoader.LoadText(yaml, sourceName, name, baseDirectory: baseDirectory, checkResources: false, analysisMoment: analysisMoment); }
            catch (SpecException e)
            {
                errors.AddRange(e.Errors.Where(x => !duplicates.Contains(x)).Select(x => x.InProfile(name)));
            }
        }
        return errors;
    }
}
