using YamlDotNet.RepresentationModel;

namespace Retention.Spec;

/// <summary>A list written for a field that takes one value (`synthetic.width: [4, 8]`) most often means a run per value,
/// which is a sweep's job; the error says how to write that sweep rather than only "expected an integer, got a list".</summary>
internal static class ListValueHint
{
    /// <summary>"; to train a run per value, sweep it: sweep: {synthetic.width: [4, 8]}", or "" where <paramref name="value"/> is
    /// not a list of plain values for a field a sweep may vary (not description, an analysis key or a list item's key,
    /// data.tasks[0].gap: data.tasks is a list).</summary>
    /// <param name="fromSet">The list came from a --set: the sweep is said as the --set that writes it.</param>
    public static string For(string path, YamlNode value, bool fromSet)
    {
        if (value is not YamlSequenceNode { Children.Count: > 0 } list || path.Contains('[')
            || list.Children.Any(c => c is not YamlScalarNode || YamlTree.IsNull(c))
            || path.StartsWith(SpecSchema.SweepKey + ".", StringComparison.Ordinal) || !SweepPlanner.MayVary(path)
            || SchemaPath.TryResolve(path, out _, out _) is not { IsSweepEntry: false, Field.Kind: FieldKind.Scalar })
            return "";
        var values = string.Join(", ", list.Children.Cast<YamlScalarNode>().Select(c => c.Value));
        return fromSet
            ? $"; to train a run per value, sweep it: --set '{SpecSchema.SweepKey}.{path}=[{values}]'"
            : $"; to train a run per value, sweep it: {SpecSchema.SweepKey}: {{{path}: [{values}]}}";
    }
}
