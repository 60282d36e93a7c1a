using YamlDotNet.RepresentationModel;

namespace Retention.Spec;

/// <summary>A --set value holding ': ' (`--set 'description=Fig 2: phases'`) is read by YAML as a mapping, and the binder only
/// sees a mapping where one value belongs; in a file the same text is a syntax error whose message says to quote it. The hint
/// writes the quoted --set.</summary>
internal static class ColonValueHint
{
    /// <summary>"; YAML reads a value holding ': ' as a mapping: quote it, --set 'description="Fig 2: phases"'", or "" where
    /// <paramref name="value"/> is not a one-entry mapping of plain text from a --set for a scalar field.</summary>
    public static string For(string path, YamlNode value, Type? type, bool fromSet)
    {
        var t = type is null ? null : Nullable.GetUnderlyingType(type) ?? type;
        if (!fromSet || t is null || SpecSchema.KindOf(t) != FieldKind.Scalar
            || value is not YamlMappingNode { Children.Count: 1 } mapping
            || mapping.Children.Single() is not (YamlScalarNode { Value: { } key }, YamlScalarNode { Value: { } rest }))
            return "";
        return $"; YAML reads a value holding ': ' as a mapping: quote it, --set '{path}=\"{key}: {rest}\"'";
    }
}
