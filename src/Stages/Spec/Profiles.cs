using YamlDotNet.RepresentationModel;

namespace Retention.Spec;

/// <summary>
/// `profiles:` maps a name to a partial document (cpu: fewer steps, gpu: device cuda, ...).
/// Selecting one deep-merges it into the base; the section itself is never bound.
/// </summary>
internal static class Profiles
{
    public const string Key = "profiles";

    /// <summary>The document without its profiles section, with <paramref name="profile"/> merged in when given.</summary>
    public static YamlMappingNode Apply(YamlMappingNode root, string? profile, SourceMap sources)
    {
        var section = YamlTree.Get(root, Key);
        // Checked even when no profile is selected, so a broken profile is found before someone needs it.
        var defined = Defined(section, sources);
        var document = section is null ? root : YamlTree.Without(root, Key, sources);
        if (profile is null) return document;

        if (!defined.TryGetValue(profile, out var overrides))
        {
            var message = defined.Count == 0
                ? $"unknown profile '{profile}'; the file defines no profiles"
                : KeySuggestions.UnknownKey(profile, defined.Keys.ToList(), "profile", "defined profiles");
            // Point at the key written as the profile outside `profiles:`, where there is one, else at the `profiles:` line:
            // the name itself came from the command line.
            if (MisplacedProfile.Find(root, profile, sources) is var (misplaced, hint))
                throw new SpecException(sources.ErrorAt(misplaced, Key, message + hint));
            var sectionKey = root.Children.Keys.FirstOrDefault(k => YamlTree.KeyText(k) == Key);
            throw new SpecException(sources.ErrorAt(sectionKey, sectionKey is null ? "" : Key, message));
        }

        if (overrides is not YamlMappingNode mapping) return document; // `gpu:` with nothing under it
        return YamlTree.Merge(document, mapping, sources);   // holds no profiles: Defined refused a profile that did
    }

    /// <summary>The names of the profiles the document defines, in file order.</summary>
    public static IReadOnlyList<string> Names(YamlMappingNode root, SourceMap sources) => [.. Defined(YamlTree.Get(root, Key), sources).Keys];

    private static OrderedDictionary<string, YamlNode> Defined(YamlNode? section, SourceMap sources)
    {
        var defined = new OrderedDictionary<string, YamlNode>();
        // `profiles: ~` (or `profiles:` with its profiles commented out) is refused as `sweep: ~` is: a section written
        // with no value reads as none, and the file may have meant profiles it does not have.
        if (section is null) return defined;
        if (section is not YamlMappingNode mapping)
            throw new SpecException(sources.ErrorAt(section, Key,
                $"expected a mapping of profile name to overrides, got {YamlTree.Describe(section)}" +
                (YamlTree.IsNull(section) ? BindingErrors.WriteEmpty(Key, "for none", "profiles") : "")));

        var errors = new List<SpecError>();
        foreach (var (keyNode, value) in mapping.Children)
        {
            var name = YamlTree.KeyText(keyNode) ?? "";
            // The profile names the sweep's folder, <artifacts>/<name>-<profile>: 'x/../../other' would be another sweep's.
            if (!SpecNames.IsPipelineName(name))
                errors.Add(sources.ErrorAt(keyNode, Key,
                    $"'{name}' is not a valid profile name: it names the sweep's folder (<name>-{name}); use letters, digits, '.', '_' and '-', starting with a letter or digit"));
            else if (value is YamlMappingNode nested && nested.Children.Keys.FirstOrDefault(k => YamlTree.KeyText(k) == Key) is { } inner)
                // Profiles are read at the top of the file only: one written inside a profile was dropped, unread.
                errors.Add(sources.ErrorAt(inner, $"{Key}.{name}",
                    $"unknown key '{Key}': a profile cannot hold profiles; define each one under the file's top-level '{Key}:'"));
            else if (value is YamlMappingNode || YamlTree.IsNull(value)) defined[name] = value;
            else errors.Add(sources.ErrorAt(value, $"{Key}.{name}",
                $"a profile must be a mapping of overrides (e.g. train: {{steps: 500}}), got {YamlTree.Describe(value)}"));
        }
        return errors.Count > 0 ? throw new SpecException(errors) : defined;
    }
}
