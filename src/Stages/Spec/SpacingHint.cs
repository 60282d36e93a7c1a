using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace Retention.Spec;

/// <summary>YAML needs a space after a key's ':' and after a list item's '-'; without it `steps:3` is a string and `-name: t` a
/// key named "-name", and the binder only sees a value of the wrong shape. The hint says which space is missing.</summary>
internal static partial class SpacingHint
{
    // The value ends where a next `key:` begins: lines that all lack the space fold into one text ("steps:3 lr:0.1").
    [GeneratedRegex(@"^\s*([A-Za-z_][A-Za-z0-9_.]*)\s*(?::(?=\S)|\s*=\s*)(.*?)(\s+[A-Za-z_][A-Za-z0-9_.]*\s*[:=].*)?$", RegexOptions.Singleline)]
    private static partial Regex KeyValueText();

    /// <summary>"; write 'steps: 3' (a space after the ':')", "; a list item is '- ' ...", or "".</summary>
    public static string For(YamlNode value, Type? type)
    {
        var t = type is null ? null : Nullable.GetUnderlyingType(type) ?? type;
        if (t is null) return "";
        var kind = SpecSchema.KindOf(t);
        // A sweep's keys are dotted paths, which SweepKey checks once the entry is written as one.
        if (kind is FieldKind.Record or FieldKind.SweepMap && value is YamlScalarNode { Value: { } text } && KeyValueText().Match(text) is { Success: true } m
            && (kind == FieldKind.SweepMap || SpecSchema.Find(t, m.Groups[1].Value) is not null))
            return $"; write '{m.Groups[1].Value}: {m.Groups[2].Value.Trim()}' on its own line under it" +
                   $"{(m.Groups[3].Success ? ", and each key after it likewise" : "")} (YAML's key: value, a space after the ':')";
        if (kind == FieldKind.RecordList && value is YamlMappingNode mapping
            && mapping.Children.Keys.Select(YamlTree.KeyText).FirstOrDefault(k => k is ['-', _, ..]) is { } dashed)
            return $"; a list item starts with '- ', a dash and a space: write '- {dashed[1..].TrimStart()}: ...', not '{dashed}: ...'";
        return "";
    }
}
