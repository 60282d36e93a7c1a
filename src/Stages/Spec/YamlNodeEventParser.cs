using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace Retention.Spec;

/// <summary>
/// Replays a node tree as parser events so YamlDotNet's deserializer can bind it directly.
/// Serializing the tree and parsing the text again would renumber every line; replaying keeps
/// each node's own line and column, so a binding error points into the file (or the profile,
/// or the sweep list) the node came from.
///
/// Each event's Mark.Index is its ordinal in the replay rather than a character offset: nodes
/// from different texts (the file, --set values, copies) can share a line and column, and the
/// ordinal lets <see cref="NodeAt"/> map an exception's mark back to the exact node.
/// Anchors are dropped because an aliased node is simply replayed again.
/// </summary>
internal sealed class YamlNodeEventParser : IParser
{
    private readonly List<(ParsingEvent Event, YamlNode? Node)> _events = [];
    private readonly YamlNode _root;
    private readonly SourceMap _sources;
    private int _position = -1;

    public YamlNodeEventParser(YamlNode root, SourceMap sources)
    {
        _sources = sources;
        _root = root;
        _events.Add((new StreamStart(), null));
        _events.Add((new DocumentStart(), null));
        Emit(root, isKey: false);
        _events.Add((new DocumentEnd(isImplicit: true), null));
        _events.Add((new StreamEnd(), null));
    }

    public ParsingEvent? Current => _position >= 0 && _position < _events.Count ? _events[_position].Event : null;

    public bool MoveNext()
    {
        if (_position < _events.Count) _position++;
        return _position < _events.Count;
    }

    /// <summary>
    /// The node whose event carries <paramref name="mark"/>. A mark that is not one of ours
    /// (YamlDotNet reports a missing property of an empty mapping at Mark.Empty) falls back to
    /// the node of the last event consumed, which for that error is the mapping just closed.
    /// </summary>
    public YamlNode NodeAt(Mark mark)
    {
        var ordinal = (int)mark.Index;
        // Some errors are reported at an event's end mark (a missing property at the end of the
        // last key read), so either end identifies the event.
        if (ordinal >= 0 && ordinal < _events.Count && _events[ordinal].Node is { } node
            && (_events[ordinal].Event.Start.Equals(mark) || _events[ordinal].Event.End.Equals(mark)))
            return node;
        var consumed = Math.Clamp(_position - 1, 0, _events.Count - 1);
        return _events[consumed].Node ?? _root;
    }

    private void Emit(YamlNode node, bool isKey)
    {
        var tag = node.Tag;
        switch (node)
        {
            case YamlScalarNode scalar:
                var plain = scalar.Style is ScalarStyle.Plain or ScalarStyle.Any;
                Add(node, (start, end) => new Scalar(
                    AnchorName.Empty, tag, scalar.Value ?? "", plain ? ScalarStyle.Plain : scalar.Style,
                    isPlainImplicit: tag.IsEmpty && plain, isQuotedImplicit: tag.IsEmpty && !plain,
                    start, end, isKey));
                break;
            case YamlSequenceNode sequence:
                Add(node, (start, end) => new SequenceStart(AnchorName.Empty, tag, tag.IsEmpty, sequence.Style, start, end));
                foreach (var child in sequence.Children) Emit(child, isKey: false);
                AddEnd(node, (start, end) => new SequenceEnd(start, end));
                break;
            case YamlMappingNode mapping:
                Add(node, (start, end) => new MappingStart(AnchorName.Empty, tag, tag.IsEmpty, mapping.Style, start, end));
                foreach (var (key, value) in mapping.Children)
                {
                    Emit(key, isKey: true);
                    Emit(value, isKey: false);
                }
                AddEnd(node, (start, end) => new MappingEnd(start, end));
                break;
            default:
                throw new NotSupportedException($"cannot replay a {node.NodeType} node");
        }
    }

    private void Add(YamlNode node, Func<Mark, Mark, ParsingEvent> create)
    {
        var start = _sources.StartOf(node);
        var end = _sources.EndOf(node);
        var ordinal = _events.Count;
        _events.Add((create(new Mark(ordinal, start.Line, start.Column), new Mark(ordinal, end.Line, end.Column)), node));
    }

    /// <summary>A collection's end event sits at the node's end mark but still names the collection.</summary>
    private void AddEnd(YamlNode node, Func<Mark, Mark, ParsingEvent> create)
    {
        var end = _sources.EndOf(node);
        var mark = new Mark(_events.Count, end.Line, end.Column);
        _events.Add((create(mark, mark), node));
    }
}
