using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Retention.Spec;

/// <summary>
/// Wraps a parser and leaves out the second and later occurrences of a key in a mapping, each with its
/// value, recording where it was and where the first one is. YamlStream throws at the first duplicate
/// (its mappings are dictionaries), which would end the load there; without them the tree loads and is
/// bound and validated, so one pass reports the duplicates and every other mistake together.
/// </summary>
internal sealed class DuplicateKeyFilter(IParser inner) : IParser
{
    /// <summary>A key written again: where (<paramref name="At"/>), where first (<paramref name="First"/>), and the
    /// dotted path of the mapping that holds it (empty at the top).</summary>
    public sealed record Duplicate(string Key, Mark At, Mark First, string Path);

    private sealed class Frame(bool isMapping, bool isKey, string path)
    {
        public bool IsMapping { get; } = isMapping;
        public bool IsKey { get; } = isKey;   // a mapping or list used as a key ([x]: 1); binding reports it
        public string Path { get; } = path;
        public Dictionary<string, Mark> Keys { get; } = new(StringComparer.Ordinal);
        public bool ExpectKey { get; set; } = isMapping;
        public string? PendingKey { get; set; }
        public int Index { get; set; }
    }

    private readonly Stack<Frame> _frames = new();
    private readonly List<Duplicate> _duplicates = [];

    public IReadOnlyList<Duplicate> Duplicates => _duplicates;

    public ParsingEvent? Current => inner.Current;

    public bool MoveNext()
    {
        while (inner.MoveNext())
        {
            var e = inner.Current!;
            if (_frames.TryPeek(out var top) && top.IsMapping && top.ExpectKey && e is Scalar key && key.Value is { } name
                && top.Keys.TryGetValue(name, out var first))
            {
                _duplicates.Add(new Duplicate(name, key.Start, first, top.Path));
                SkipNode();   // its value; the mapping still expects a key
                continue;
            }
            Track(e);
            return true;
        }
        return false;
    }

    private void Track(ParsingEvent e)
    {
        switch (e)
        {
            case DocumentStart:
                _frames.Clear();
                break;
            case MappingStart or SequenceStart:
                var isKey = _frames.TryPeek(out var parent) && parent.IsMapping && parent.ExpectKey;
                _frames.Push(new Frame(e is MappingStart, isKey, ChildPath()));
                break;
            case MappingEnd or SequenceEnd:
                var done = _frames.Pop();
                if (done.IsKey && _frames.TryPeek(out var owner)) owner.ExpectKey = false;   // its value follows
                else NodeDone();
                break;
            case Scalar or AnchorAlias:
                if (_frames.TryPeek(out var top) && top.IsMapping && top.ExpectKey)
                {
                    if (e is Scalar { Value: { } name } scalar) top.Keys[name] = scalar.Start;
                    top.PendingKey = (e as Scalar)?.Value;
                    top.ExpectKey = false;
                }
                else NodeDone();
                break;
        }
    }

    /// <summary>A value (or list item) ended: its mapping expects the next key, its list counts the next item.</summary>
    private void NodeDone()
    {
        if (!_frames.TryPeek(out var top)) return;
        if (top.IsMapping) (top.ExpectKey, top.PendingKey) = (true, null);
        else top.Index++;
    }

    private string ChildPath()
    {
        if (!_frames.TryPeek(out var top)) return "";
        if (!top.IsMapping) return $"{top.Path}[{top.Index}]";
        if (top.ExpectKey || top.PendingKey is null) return top.Path;
        return top.Path.Length == 0 ? top.PendingKey : $"{top.Path}.{top.PendingKey}";
    }

    /// <summary>Consumes the next node whole: a scalar or alias, or a mapping or list to its end.</summary>
    private void SkipNode()
    {
        var depth = 0;
        do
        {
            if (!inner.MoveNext()) return;
            depth += inner.Current switch { MappingStart or SequenceStart => 1, MappingEnd or SequenceEnd => -1, _ => 0 };
        }
        while (depth > 0);
    }
}
