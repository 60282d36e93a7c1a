using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Retention.Spec;

/// <summary>
/// Wraps a parser and remembers, for the document being read, the anchors (&amp;name) it defines and the aliases (*name)
/// used before their anchor. YamlDotNet resolves aliases once the document has been read and reports one it cannot at
/// 1:1 (the node it made for the alias keeps no position); this says which alias it was, and where it is written.
/// </summary>
internal sealed class UndefinedAliasTracker(IParser inner) : IParser
{
    private readonly HashSet<string> _anchors = new(StringComparer.Ordinal);
    private readonly List<(string Name, Mark Start)> _beforeAnchor = [];

    public ParsingEvent? Current => inner.Current;

    /// <summary>The first alias of the document whose anchor it never defines, else the first used before its anchor
    /// (which a YAML reader that resolves as it reads refuses); null when every alias has its anchor before it.</summary>
    public (string Name, Mark Start)? Undefined
    {
        get
        {
            foreach (var alias in _beforeAnchor)
                if (!_anchors.Contains(alias.Name)) return alias;
            return _beforeAnchor.Count > 0 ? _beforeAnchor[0] : null;
        }
    }

    public bool MoveNext()
    {
        if (!inner.MoveNext()) return false;
        switch (inner.Current)
        {
            case DocumentStart:
                _anchors.Clear();
                _beforeAnchor.Clear();
                break;
            case AnchorAlias alias when !_anchors.Contains(alias.Value.Value):
                _beforeAnchor.Add((alias.Value.Value, alias.Start));
                break;
            case NodeEvent { Anchor.IsEmpty: false } node:
                _anchors.Add(node.Anchor.Value);
                break;
        }
        return true;
    }
}
