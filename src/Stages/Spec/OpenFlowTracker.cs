using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Retention.Spec;

/// <summary>
/// Wraps a parser and remembers the collections open at the current event and where each opened. An unclosed
/// '{' or '[' makes YamlDotNet fail far from the mistake, and sometimes (a following line at a lower indent)
/// with an InvalidOperationException that carries no position at all: the bracket that was never closed is
/// the place to point at.
/// </summary>
internal sealed class OpenFlowTracker(IParser inner) : IParser
{
    /// <summary>A '{' (<paramref name="IsMapping"/>) or '[' still open, and where it is.</summary>
    public sealed record OpenBracket(bool IsMapping, Mark Start)
    {
        public char Opening => IsMapping ? '{' : '[';
        public char Closing => IsMapping ? '}' : ']';
    }

    private readonly Stack<(bool IsMapping, bool IsFlow, Mark Start)> _open = new();

    public ParsingEvent? Current => inner.Current;

    /// <summary>The innermost open flow collection, or null. Flow collections hold only flow collections, so
    /// it is the innermost collection whenever that one is flow.</summary>
    public OpenBracket? Innermost =>
        _open.TryPeek(out var top) && top.IsFlow ? new OpenBracket(top.IsMapping, top.Start) : null;

    /// <summary>
    /// The innermost bracket still open at the end of the lines before <paramref name="line"/>, or null. The scanner reads
    /// ahead of the events (a '{' may start a key, so the rest of its line is scanned first), so when it fails the open
    /// bracket's own event may not have come out yet; the text cut before the failing line ends inside the bracket,
    /// and there the events up to it do come out.
    /// </summary>
    public static OpenBracket? OpenBefore(string text, int line)
    {
        if (line <= 1) return null;
        var cut = 0;
        for (var n = 1; n < line && cut >= 0; n++) cut = text.IndexOf('\n', cut) is var i and >= 0 ? i + 1 : -1;
        if (cut < 0 || cut >= text.Length) return null;   // nothing cut off: the same text would fail the same way
        var head = text[..cut];
        var scanner = new Scanner(new StringReader(head));
        var tracker = new OpenFlowTracker(new Parser(scanner));
        try
        {
            while (tracker.MoveNext()) { }
            return null;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The head may fail the same way on an earlier line; it is shorter each time.
            return e is YamlException ? tracker.Innermost : OpenBefore(head, (int)scanner.CurrentPosition.Line) ?? tracker.Innermost;
        }
    }

    public bool MoveNext()
    {
        if (!inner.MoveNext()) return false;
        switch (inner.Current)
        {
            case MappingStart m:
                _open.Push((true, m.Style == MappingStyle.Flow, m.Start));
                break;
            case SequenceStart s:
                _open.Push((false, s.Style == SequenceStyle.Flow, s.Start));
                break;
            case MappingEnd or SequenceEnd:
                _open.TryPop(out _);
                break;
            case DocumentStart:
                _open.Clear();
                break;
        }
        return true;
    }
}
