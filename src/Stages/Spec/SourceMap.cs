using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Retention.Spec;

/// <summary>
/// Where each node of the working tree came from. Nodes parsed from the file carry their own
/// marks; nodes parsed from a --set value belong to that override; nodes the loader builds
/// (merged mappings, a run's copy of the root) stand in for the node they were copied from.
/// YamlNode marks are read-only, so this side table is how copies keep a position.
/// Keyed by reference: YamlNode.Equals compares content, and two equal scalars are
/// different places in the file.
/// </summary>
internal sealed class SourceMap
{
    private readonly Dictionary<YamlNode, string> _sourceOf = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<YamlNode, YamlNode> _copiedFrom = new(ReferenceEqualityComparer.Instance);

    public SourceMap(string fileSource) => FileSource = fileSource;

    /// <summary>The name errors use for nodes of the main document.</summary>
    public string FileSource { get; }

    /// <summary>Marks every node under <paramref name="root"/> as coming from <paramref name="source"/> (a --set).</summary>
    public void AddTree(YamlNode root, string source)
    {
        foreach (var node in root.AllNodes) _sourceOf[node] = source;
    }

    /// <summary>Records that <paramref name="copy"/> replaces <paramref name="original"/>; returns the copy.</summary>
    public T CopyOf<T>(T copy, YamlNode original) where T : YamlNode
    {
        _copiedFrom[copy] = Original(original);
        return copy;
    }

    public string SourceOf(YamlNode node) =>
        _sourceOf.TryGetValue(Original(node), out var source) ? source : FileSource;

    public Mark StartOf(YamlNode node) => Original(node).Start;

    public Mark EndOf(YamlNode node) => Original(node).End;

    /// <summary>An error at <paramref name="node"/>; positions are only given for the file, as a --set has no lines.</summary>
    public SpecError ErrorAt(YamlNode? node, string path, string message)
    {
        if (node is null) return new SpecError(FileSource, 0, 0, path, message);
        var source = SourceOf(node);
        if (source != FileSource) return new SpecError(source, 0, 0, path, message);
        var start = StartOf(node);
        return new SpecError(source, (int)start.Line, (int)start.Column, path, message);
    }

    /// <summary>"file:line:column" of <paramref name="node"/> as errors write it; null for a --set's node, which has no lines.</summary>
    public string? PositionOf(YamlNode node) => ErrorAt(node, "", "") is { Line: > 0 } at ? at.Where : null;

    private YamlNode Original(YamlNode node)
    {
        while (_copiedFrom.TryGetValue(node, out var original)) node = original;
        return node;
    }
}
