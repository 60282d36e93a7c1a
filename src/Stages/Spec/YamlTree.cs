using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Retention.Spec;

/// <summary>
/// Copy-on-write edits of a parsed node tree. Parsed nodes are never mutated, so the base
/// document, every profile and every run can share them; edited mappings are new nodes
/// registered in the SourceMap as copies of the ones they replace, which keeps their positions.
/// </summary>
internal static class YamlTree
{
    public static YamlNode? Get(YamlMappingNode mapping, string key) =>
        mapping.Children.FirstOrDefault(kv => KeyText(kv.Key) == key).Value;

    /// <summary>The node at a path of keys below <paramref name="node"/>, or null where a key is missing or a step is no mapping.</summary>
    public static YamlNode? At(YamlNode node, IEnumerable<string> keys) =>
        keys.Aggregate((YamlNode?)node, (n, key) => n is YamlMappingNode m ? Get(m, key) : null);

    public static string? KeyText(YamlNode key) => (key as YamlScalarNode)?.Value;

    /// <summary>A copy of <paramref name="mapping"/> with <paramref name="key"/> set (in place if present, else appended).</summary>
    public static YamlMappingNode With(YamlMappingNode mapping, string key, YamlNode value, SourceMap sources)
    {
        // A key the loader adds has no place in any text; it stands where its value stands.
        var keyNode = sources.CopyOf(new YamlScalarNode(key) { Style = ScalarStyle.Plain }, value);
        return With(mapping, keyNode, value, sources);
    }

    /// <summary>As With(string), but a new entry keeps <paramref name="keyNode"/> (and so its position).</summary>
    public static YamlMappingNode With(YamlMappingNode mapping, YamlNode keyNode, YamlNode value, SourceMap sources)
    {
        var key = KeyText(keyNode);
        var children = mapping.Children.ToList();
        var index = children.FindIndex(kv => KeyText(kv.Key) == key);
        if (index >= 0) children[index] = new(children[index].Key, value);
        else children.Add(new(keyNode, value));
        return Copy(mapping, children, sources);
    }

    public static YamlMappingNode Without(YamlMappingNode mapping, string key, SourceMap sources) =>
        Copy(mapping, mapping.Children.Where(kv => KeyText(kv.Key) != key), sources);

    /// <summary>
    /// Deep merge: mappings merge key by key, recursively; anything else in
    /// <paramref name="overlay"/> (scalars, sequences) replaces the base value. Keys keep the
    /// base order; keys new in the overlay follow in the overlay's order.
    /// </summary>
    public static YamlMappingNode Merge(YamlMappingNode baseMapping, YamlMappingNode overlay, SourceMap sources)
    {
        var merged = baseMapping;
        foreach (var (key, value) in overlay.Children)
        {
            var name = KeyText(key);
            if (name is null) continue; // non-scalar keys cannot name a field; binding reports them
            merged = Get(merged, name) is YamlMappingNode existing && value is YamlMappingNode incoming
                ? With(merged, key, Merge(existing, incoming, sources), sources)
                : With(merged, key, value, sources);
        }
        return merged;
    }

    /// <summary>
    /// Sets the node at <paramref name="keys"/> below <paramref name="root"/>, creating missing
    /// mappings (which belong to <paramref name="newNodeSource"/>). A mapping value merges into
    /// an existing mapping, like a profile does. Returns null, with the path that is in the way,
    /// when an intermediate node exists but is not a mapping.
    /// </summary>
    public static YamlMappingNode? SetPath(
        YamlMappingNode root, IReadOnlyList<string> keys, YamlNode value, SourceMap sources,
        string newNodeSource, out string blockedAt)
    {
        blockedAt = "";
        var existing = Get(root, keys[0]);
        if (keys.Count == 1)
        {
            var merged = existing is YamlMappingNode a && value is YamlMappingNode b ? Merge(a, b, sources) : value;
            return With(root, keys[0], merged, sources);
        }

        YamlMappingNode child;
        switch (existing)
        {
            case YamlMappingNode mapping:
                child = mapping;
                break;
            case null:
            case YamlScalarNode { Style: ScalarStyle.Plain, Value: "" or "~" or "null" }:
                child = new YamlMappingNode();
                sources.AddTree(child, newNodeSource);
                break;
            default:
                blockedAt = keys[0];
                return null;
        }

        var updated = SetPath(child, keys.Skip(1).ToList(), value, sources, newNodeSource, out var inner);
        if (updated is null)
        {
            blockedAt = keys[0] + "." + inner;
            return null;
        }
        return With(root, keys[0], updated, sources);
    }

    public static bool IsNull(YamlNode node) =>
        node is YamlScalarNode { Style: ScalarStyle.Plain or ScalarStyle.Any, Value: null or "" or "~" or "null" or "Null" or "NULL" };

    /// <summary>How a node reads in a message: 'abc', null, a list, a mapping.</summary>
    public static string Describe(YamlNode node) => node switch
    {
        _ when IsNull(node) => "null",
        YamlScalarNode scalar => $"'{scalar.Value}'",
        YamlSequenceNode { Children.Count: 0 } => "an empty list",
        YamlSequenceNode => "a list",
        YamlMappingNode => "a mapping",
        _ => "an alias",
    };

    private static YamlMappingNode Copy(
        YamlMappingNode original, IEnumerable<KeyValuePair<YamlNode, YamlNode>> children, SourceMap sources) =>
        sources.CopyOf(new YamlMappingNode(children) { Style = original.Style, Tag = original.Tag }, original);

    /// <summary>Every node below <paramref name="root"/> (keys included) with the mapping or list that holds it.</summary>
    public static IEnumerable<(YamlNode Node, YamlNode Parent)> Nodes(YamlNode root)
    {
        var pending = new Stack<YamlNode>([root]);
        var seen = new HashSet<YamlNode>(ReferenceEqualityComparer.Instance);
        while (pending.TryPop(out var node))
        {
            if (!seen.Add(node)) continue;   // an aliased node is one node
            IEnumerable<YamlNode> children = node switch
            {
                YamlMappingNode m => m.Children.SelectMany(kv => new[] { kv.Key, kv.Value }),
                YamlSequenceNode q => q.Children,
                _ => [],
            };
            foreach (var child in children.ToList())
            {
                yield return (child, node);
                pending.Push(child);
            }
        }
    }
}
