using YamlDotNet.RepresentationModel;

namespace Retention.Spec;

/// <summary>A pipeline document with its profile and --set overrides applied, and what the overrides did that the
/// rest of the load needs to know.</summary>
/// <param name="Root">The document to bind, without its profiles section.</param>
/// <param name="RemovedSweepKeys">The sweep keys the --set overrides removed (a set of a swept field wins over its sweep),
/// with the value every run now has: an analysis written for the sweep may still read them from swept.arrow.</param>
/// <param name="SetNotes">Each section a set added to the pipeline (<see cref="SetOverrides.AddedSection"/>), in words.</param>
internal sealed record OverriddenDocument(YamlMappingNode Root, IReadOnlyList<Analysis.RemovedSweepKey> RemovedSweepKeys,
    IReadOnlyList<string> SetNotes)
{
    /// <summary>The profile merged in, then the sets applied in order.</summary>
    public static OverriddenDocument Of(YamlMappingNode document, string? profile, IReadOnlyList<string> sets, SourceMap sources)
    {
        var beforeSets = Profiles.Apply(document, profile, sources);
        var root = ApplySets(beforeSets, sets, sources, out var setNotes);
        return new(root, SweepKeysRemoved(beforeSets, root), setNotes);
    }

    private static YamlMappingNode ApplySets(YamlMappingNode root, IReadOnlyList<string> sets, SourceMap sources, out IReadOnlyList<string> notes)
    {
        // Report every bad --set at once; a good one still applies so later ones see it.
        var errors = new List<SpecError>();
        var added = new List<string>();
        foreach (var set in sets)
        {
            try
            {
                if (SetOverrides.AddedSection(root, set) is { } section)
                    added.Add($"--set {set} adds '{section}', which the pipeline does not have, with its defaults for the keys " +
                              $"not set (a section present is on; --set '{section}={{...}}' writes it whole)");
                root = SetOverrides.Apply(root, set, sources);
            }
            catch (SpecException e)
            {
                errors.AddRange(e.Errors);
            }
        }
        notes = added;
        return errors.Count > 0 ? throw new SpecException(errors) : root;
    }

    private static IReadOnlyList<Analysis.RemovedSweepKey> SweepKeysRemoved(YamlMappingNode beforeSets, YamlMappingNode afterSets)
    {
        if (YamlTree.Get(beforeSets, SpecSchema.SweepKey) is not YamlMappingNode before) return [];
        var after = YamlTree.Get(afterSets, SpecSchema.SweepKey) as YamlMappingNode;
        return [.. before.Children.Keys.Select(YamlTree.KeyText).OfType<string>()
            .Where(key => after is null || YamlTree.Get(after, key) is null)
            .Select(key => new Analysis.RemovedSweepKey(key, Analysis.SweptKeyCoverage.ShortName(key), ValueText(afterSets, key.Split('.'))))];
    }

    /// <summary>The scalar at a dotted path as written, or null where there is none.</summary>
    private static string? ValueText(YamlNode node, IEnumerable<string> keys) =>
        YamlTree.At(node, keys) is YamlScalarNode { Value: { } v } ? v : null;
}
