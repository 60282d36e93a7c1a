using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Retention.Spec;

/// <summary>A binding error and the node to mend so binding can go on and find the next one:
/// a key or value to drop, or (with <paramref name="MissingKeys"/>) a mapping to complete.</summary>
internal sealed record BindingFailure(SpecError Error, YamlNode Subject, IReadOnlyList<string> MissingKeys);

/// <summary>
/// Turns a YamlDotNet deserialization exception into a SpecError that names the offending
/// node's path, says what was expected there and what is allowed. YamlDotNet's messages name
/// CLR types ("No node deserializer ... IReadOnlyList`1[...]"), which mean nothing to someone
/// editing a YAML file; the schema knows what the node should have been.
/// </summary>
internal static class BindingErrors
{
    public static BindingFailure Explain(YamlException e, YamlNode node, NodeIndex index, SourceMap sources)
    {
        var info = index.InfoOf(node);
        var raw = e.Message;

        if (raw.StartsWith("Property '", StringComparison.Ordinal) && raw.Contains("not found on type")
            && info?.Record is null && info?.Owner is { } owner && index.InfoOf(owner) is { Expected.Length: > 0 } ownerInfo)
        {
            // A mapping where a scalar belongs (seed: {a: 1}): the mapping is the mistake, not its keys.
            return new(sources.ErrorAt(owner, ownerInfo.Path, $"expected {ownerInfo.Expected}, got {YamlTree.Describe(owner)}"), owner, []);
        }

        if (raw.StartsWith("Property '", StringComparison.Ordinal) && raw.Contains("not found on type"))
        {
            var key = YamlTree.KeyText(node) ?? YamlTree.Describe(node);
            var allowed = info?.Record is { } record ? SpecSchema.KeysOf(record) : [];
            // {sql: SELECT a, b FROM t} splits at the comma and makes "b FROM t" a key.
            var hint = key.Contains(' ') ? "; a ',' inside {...} separates entries, so quote values that contain one" : "";
            return new(sources.ErrorAt(node, info?.Path ?? "", KeySuggestions.UnknownKey(key, allowed) + hint), node, []);
        }

        if (raw.StartsWith("Missing properties", StringComparison.Ordinal))
            return MissingKeys(node, info, raw, sources);

        if (raw.Contains("duplicate key", StringComparison.OrdinalIgnoreCase))
            return new(sources.ErrorAt(node, info?.Path ?? "",
                $"duplicate key '{YamlTree.KeyText(node)}'; a key may appear only once in a mapping"), node, []);

        if (raw.StartsWith("Expected 'Scalar'", StringComparison.Ordinal) && info?.KeyOf is not null)
            return new(sources.ErrorAt(node, info.Path, $"a key must be a plain name, got {YamlTree.Describe(node)}"), node, []);

        // The remaining failures are about a value; when the deserializer blames a key, look at its value.
        var value = info?.KeyOf ?? node;
        var valueInfo = index.InfoOf(value);
        var path = valueInfo?.Path ?? info?.Path ?? "";
        var expected = valueInfo?.Expected is { Length: > 0 } text ? text : null;

        if (raw.Contains("nullability", StringComparison.OrdinalIgnoreCase))
            return new(sources.ErrorAt(value, path, $"expected {expected ?? "a value"}, got null" +
                (EmptySetValue.IsFrom(sources.SourceOf(value)) ? EmptySetValue.Hint(path, valueInfo?.Type) : EmptySectionHint(path, valueInfo?.Type))), value, []);

        if (e.InnerException is OverflowException && valueInfo?.Type is { } type)
            return new(sources.ErrorAt(value, path, $"expected {expected} {Range(type)}, got {YamlTree.Describe(value)}"), value, []);

        var wrongType = e.InnerException is FormatException or InvalidCastException or OverflowException
            || raw.StartsWith("No node deserializer", StringComparison.Ordinal);
        if (wrongType && expected is not null)
            return new(sources.ErrorAt(value, path, $"expected {expected}, got {YamlTree.Describe(value)}{ShapeHints(path, value, valueInfo?.Type, sources)}"), value, []);

        // Not one of the failures above: say what is expected here rather than the library's words.
        var what = expected ?? (info?.Expected is { Length: > 0 } own ? own : null);
        return new(sources.ErrorAt(value, path, what is null
            ? $"cannot read {YamlTree.Describe(value)} here"
            : $"expected {what}, got {YamlTree.Describe(value)}{ShapeHints(path, value, valueInfo?.Type, sources)}"), value, []);
    }

    /// <summary>What a value of the wrong shape most often meant: a sweep written nested, a list for a run per value, a space
    /// missing after ':' or '-', a float (1e5) for an integer; "" when none fits.</summary>
    private static string ShapeHints(string path, YamlNode value, Type? type, SourceMap sources)
    {
        var fromSet = EmptySetValue.IsFrom(sources.SourceOf(value));
        return NestedSweepHint.For(path, value) + SweepScalarHint.For(path, value, fromSet) + ListValueHint.For(path, value, fromSet)
            + SpacingHint.For(value, type) + ColonValueHint.For(path, value, type, fromSet) + IntegerSpellingHint.For(value, type);
    }

    /// <summary>A section written with no value in the file (`sweep:`, `train:`): its keys not indented under it, or left
    /// for later; says the two ways to write it (an optional one, `rare:`, is <see cref="DocumentRules.EmptySections"/>'s).</summary>
    private static string EmptySectionHint(string path, Type? type)
    {
        var key = path[(path.LastIndexOf('.') + 1)..];
        return type is null ? "" : SpecSchema.KindOf(type) switch
        {
            FieldKind.Record => WriteEmpty(key, "for its defaults", "keys"),
            FieldKind.SweepMap => WriteEmpty(key, "for none", "entries"),
            _ => EmptySetValue.InFile(path, type),
        };
    }

    /// <summary>"; write 'KEY: {}' for none (or indent its entries under it), or remove the line": what a section written
    /// with no value meant, said alike for the sections bound here and for profiles (<see cref="Profiles"/>).</summary>
    internal static string WriteEmpty(string key, string meaning, string items) =>
        $"; write '{key}: {{}}' {meaning} (or indent its {items} under it), or remove the line";

    private static BindingFailure MissingKeys(YamlNode node, NodeInfo? info, string raw, SourceMap sources)
    {
        // Recompute from the schema rather than parse the message: it is authoritative and the
        // list of required keys is what the user needs to see.
        // YamlDotNet blames the last key it read; the problem is the mapping that holds it.
        var mapping = node as YamlMappingNode ?? info?.Owner;
        if (mapping is not null && info?.Record is { } record)
        {
            var required = SpecSchema.FieldsOf(record).Where(f => f.Required).Select(f => f.Key).ToList();
            var missing = required.Where(k => YamlTree.Get(mapping, k) is null).ToList();
            if (missing.Count > 0)
            {
                var what = missing.Count == 1 ? "key" : "keys";
                return new(sources.ErrorAt(mapping, info.Path,
                    $"missing required {what} {string.Join(", ", missing.Select(k => $"'{k}'"))}; required here: {string.Join(", ", required)}"),
                    mapping, missing);
            }
        }
        return new(sources.ErrorAt(node, info?.Path ?? "", "missing required keys"), node, []);
    }

    private static string Range(Type type)
    {
        var t = Nullable.GetUnderlyingType(type) ?? type;
        if (t == typeof(int)) return $"between {int.MinValue} and {int.MaxValue}";
        if (t == typeof(long)) return $"between {long.MinValue} and {long.MaxValue}";
        return "in range";
    }
}
