using YamlDotNet.RepresentationModel;

namespace Retention.Spec;

/// <summary>A sweep written as nested mappings (`sweep: {synthetic: {width: [4, 8]}}`), the shape of the file's other sections, is
/// what a user writes first; the binder only sees a mapping where a list of values belongs. The hint names the dotted keys
/// meant, so the error says what to write and not only what is wrong.</summary>
internal static class NestedSweepHint
{
    /// <summary>"; a sweep key is the field's whole dotted path ...: write 'synthetic.width: [...]' under sweep:", or "" where
    /// <paramref name="value"/> is not such a mapping (or names no field: `seed: {a: 1}` is a plain wrong value).</summary>
    public static string For(string path, YamlNode value)
    {
        var prefix = SpecSchema.SweepKey + ".";
        if (value is not YamlMappingNode mapping || !path.StartsWith(prefix, StringComparison.Ordinal)) return "";
        var meant = Leaves(path[prefix.Length..], mapping)
            .Where(p => SchemaPath.TryResolve(p, out _, out _) is { IsSweepEntry: false, Field.Kind: FieldKind.Scalar })
            .Select(p => $"'{p}: [...]'").ToList();
        return meant.Count == 0 ? "" :
            $"; a sweep key is the field's whole dotted path, not nested mappings: write {string.Join(", ", meant)} under {SpecSchema.SweepKey}:";
    }

    private static IEnumerable<string> Leaves(string prefix, YamlMappingNode mapping)
    {
        foreach (var (key, value) in mapping.Children)
        {
            var path = $"{prefix}.{YamlTree.KeyText(key)}";
            if (value is YamlMappingNode nested)
                foreach (var leaf in Leaves(path, nested)) yield return leaf;
            else yield return path;
        }
    }
}
