using YamlDotNet.RepresentationModel;

namespace Retention.Spec;

/// <summary>What the loader knows about one node of the tree it binds.</summary>
/// <param name="Path">Dotted path for messages (analysis.plots[0].kind). For a mapping key, the
/// path of the mapping that holds it, since "unknown key" is a problem of that mapping.</param>
/// <param name="Expected">What the node must be ("an integer"); empty when the schema does not say.</param>
/// <param name="Record">The record a mapping binds to; for a key, the record of its mapping.</param>
/// <param name="Type">The CLR type the node binds to, when known.</param>
/// <param name="KeyOf">For a mapping key, the value it introduces; null for values.</param>
/// <param name="Owner">For a mapping key, the mapping that holds it.</param>
internal sealed record NodeInfo(
    string Path, string Expected, Type? Record, Type? Type = null, YamlNode? KeyOf = null, YamlMappingNode? Owner = null);

/// <summary>
/// Path ↔ node lookup over one tree, with each node's expected type from the schema. Binding
/// errors arrive as a node (from the replaying parser) and need a path and an expectation;
/// validation errors arrive as a path and need a node to point at.
/// </summary>
internal sealed class NodeIndex
{
    private readonly Dictionary<YamlNode, NodeInfo> _info = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<string, YamlNode> _byPath = new();
    private readonly NodeIndex? _namesFrom;

    private NodeIndex(YamlMappingNode root, NodeIndex? namesFrom) => (Root, _namesFrom) = (root, namesFrom);

    public YamlMappingNode Root { get; }

    /// <param name="namesFrom">The base document's index: a run tree reuses its nodes, and a swept
    /// value should be reported where the user wrote it (sweep.synthetic.width[0]), not under the
    /// field it was substituted into.</param>
    public static NodeIndex Build(YamlMappingNode root, NodeIndex? namesFrom = null)
    {
        var index = new NodeIndex(root, namesFrom);
        index.Walk(root, "", typeof(PipelineSpec), null);
        return index;
    }

    public NodeInfo? InfoOf(YamlNode node) => _info.GetValueOrDefault(node);

    public YamlNode? At(string path) => _byPath.GetValueOrDefault(path);

    /// <summary>The node at <paramref name="path"/> or, for a field left at its default, its nearest written ancestor.</summary>
    public YamlNode Nearest(string path, out bool exact)
    {
        exact = true;
        while (true)
        {
            if (_byPath.TryGetValue(path, out var node)) return node;
            exact = false;
            var cut = Math.Max(path.LastIndexOf('.'), path.LastIndexOf('['));
            if (cut <= 0) return Root;
            path = path[..cut];
        }
    }

    private void Walk(YamlNode node, string path, Type? type, string? expected)
    {
        var kind = type is null ? (FieldKind?)null : SpecSchema.KindOf(type);
        Add(node, path, new NodeInfo(path, expected ?? (type is null ? "" : SpecSchema.Describe(type)),
            kind == FieldKind.Record ? type : null, type));

        switch (node)
        {
            case YamlMappingNode mapping:
                foreach (var (keyNode, value) in mapping.Children)
                {
                    var key = YamlTree.KeyText(keyNode) ?? "?";
                    var childPath = path.Length == 0 ? key : $"{path}.{key}";
                    var record = kind == FieldKind.Record ? type : null;
                    _info.TryAdd(keyNode, new NodeInfo(DisplayPath(keyNode, path), "", record, KeyOf: value, Owner: mapping));
                    if (kind == FieldKind.SweepMap) WalkSweepEntry(value, childPath, key);
                    else Walk(value, childPath, record is null ? null : SpecSchema.Find(record, key)?.Type, null);
                }
                break;
            case YamlSequenceNode sequence:
                var item = kind is FieldKind.RecordList or FieldKind.ScalarList ? type!.GetGenericArguments()[0] : null;
                for (var i = 0; i < sequence.Children.Count; i++)
                    Walk(sequence.Children[i], $"{path}[{i}]", item, null);
                break;
        }
    }

    /// <summary>A sweep entry's values must each be what the swept field takes.</summary>
    private void WalkSweepEntry(YamlNode value, string path, string key)
    {
        Add(value, path, new NodeInfo(DisplayPath(value, path), "a list of values", null));
        if (value is not YamlSequenceNode values) return;
        var field = SchemaPath.TryResolve(key, out _, out _) is { IsSweepEntry: false, Field.Kind: FieldKind.Scalar } p
            ? p.Field.Type
            : null;
        for (var i = 0; i < values.Children.Count; i++)
            Walk(values.Children[i], $"{path}[{i}]", field, field is null ? "a scalar value" : null);
    }

    private void Add(YamlNode node, string path, NodeInfo info)
    {
        _byPath.TryAdd(path, node);
        // An aliased node appears twice; the first place it is written is the one to report.
        _info.TryAdd(node, info with { Path = DisplayPath(node, info.Path) });
    }

    private string DisplayPath(YamlNode node, string path) =>
        _namesFrom?.InfoOf(node)?.Path ?? path;
}
