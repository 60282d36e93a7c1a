namespace Retention.Spec;

/// <summary>Errors about a dotted path, placed at the node the index holds for it.</summary>
internal static class NodeIndexErrors
{
    /// <summary>An error at <paramref name="path"/>: a written value where the user wrote it (a swept one in the sweep
    /// list), else the nearest node written above it, named by the field it defaults.</summary>
    public static SpecError ErrorAt(this NodeIndex index, SourceMap sources, string path, string message)
    {
        var node = index.Nearest(path, out var exact);
        return sources.ErrorAt(node, exact ? index.InfoOf(node)?.Path ?? path : path, message);
    }
}
