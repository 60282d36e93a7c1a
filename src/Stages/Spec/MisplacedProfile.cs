using YamlDotNet.RepresentationModel;

namespace Retention.Spec;

/// <summary>
/// A profile named on the command line that the file writes, but not under its top-level `profiles:`: at the top level (the
/// `profiles:` line forgotten) or under another section (a profile added at the end of a file whose last section is analysis,
/// indented as a key of that). "unknown profile" alone sends the user looking for a typo in a name that is there to see.
/// </summary>
internal static class MisplacedProfile
{
    /// <summary>The key named <paramref name="profile"/> outside `profiles:`, with "; line 15 has a key 'fast' under 'analysis',
    /// not under the top-level 'profiles:' ..."; null where the file writes none.</summary>
    public static (YamlNode Key, string Hint)? Find(YamlMappingNode root, string profile, SourceMap sources) =>
        Search(root, profile, null) is var (key, path)
            ? (key, Said(key, path is null ? "at the top level" : $"under '{path}'", sources))
            : null;

    private static string Said(YamlNode key, string where, SourceMap sources) =>
        $"; line {sources.StartOf(key).Line} has a key '{YamlTree.KeyText(key)}' {where}, not under the top-level '{Profiles.Key}:': " +
        $"a profile is a key indented under '{Profiles.Key}:'";

    /// <summary>The first mapping key named <paramref name="profile"/> under <paramref name="node"/>, with the path of the
    /// mapping that holds it (null for the top level, whose `profiles:` is where a profile belongs and is not searched).</summary>
    private static (YamlNode Key, string? Path)? Search(YamlNode node, string profile, string? path)
    {
        switch (node)
        {
            case YamlMappingNode mapping:
                foreach (var (key, value) in mapping.Children)
                {
                    var text = YamlTree.KeyText(key);
                    if (path is null && text == Profiles.Key) continue;
                    // A field's key is no profile written out of place: `--profile data` is a name that collides, not one misplaced.
                    if (text == profile && !SpecSchema.AllKeys.Contains(profile)) return (key, path);
                    if (Search(value, profile, path is null ? text ?? "" : $"{path}.{text}") is { } found) return found;
                }
                return null;
            case YamlSequenceNode list:
                for (var i = 0; i < list.Children.Count; i++)
                    if (Search(list.Children[i], profile, $"{path}[{i}]") is { } found) return found;
                return null;
            default:
                return null;
        }
    }
}
