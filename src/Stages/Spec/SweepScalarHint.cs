using YamlDotNet.RepresentationModel;

namespace Retention.Spec;

/// <summary>A sweep entry written as one value (`seed: 3`) or as values with commas but no brackets (`seed: 0, 1`, as a shell
/// list reads, or `--set sweep.seed=0,1`): YAML reads either as one text, and the binder only sees a value where a list
/// belongs. The hint writes the list meant, and for one value the field's own setting.</summary>
internal static class SweepScalarHint
{
    /// <summary>"; a sweep entry is a YAML list in brackets: write 'seed: [0, 1]' under sweep:", or "" where
    /// <paramref name="value"/> is not a scalar under sweep:.</summary>
    public static string For(string path, YamlNode value, bool fromSet)
    {
        var prefix = SpecSchema.SweepKey + ".";
        // sweep.seed[1]: an item of the list, a value of the wrong type rather than a list left unwritten.
        if (!path.StartsWith(prefix, StringComparison.Ordinal) || path.Contains('[') || value is not YamlScalarNode { Value: { Length: > 0 } text } || YamlTree.IsNull(value))
            return "";
        var entry = path[prefix.Length..];
        var items = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var list = $"[{string.Join(", ", items)}]";
        var write = fromSet ? $"--set '{path}={list}'" : $"'{entry}: {list}' under {SpecSchema.SweepKey}:";
        if (items.Length > 1) return $"; a sweep entry is a YAML list in brackets: write {write}";
        var one = fromSet ? $"--set {entry}={items[0]}" : $"'{Nested(entry, items[0])}' outside {SpecSchema.SweepKey}:";
        return $"; a sweep entry is a YAML list, even of one value: write {write}, or for the same value in every run {one}";
    }

    /// <summary>"synthetic: {rare: {gap: 5}}" for synthetic.rare.gap: dotted keys are the sweep's alone.</summary>
    private static string Nested(string entry, string value)
    {
        var keys = entry.Split('.');
        var written = value;
        for (var i = keys.Length - 1; i >= 1; i--) written = $"{{{keys[i]}: {written}}}";
        return $"{keys[0]}: {written}";
    }
}
