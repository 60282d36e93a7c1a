using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Retention.Spec;

/// <summary>
/// Wraps YamlDotNet's parser and rejects nesting deeper than <see cref="MaxDepth"/>.
/// YamlStream builds nodes recursively, so a line of ten thousand '[' overflows the stack and
/// kills the process before any catch block runs. A pipeline file nests about six levels.
/// </summary>
internal sealed class DepthLimitedParser(IParser inner) : IParser
{
    public const int MaxDepth = 64;
    private int _depth;

    public ParsingEvent? Current => inner.Current;

    public bool MoveNext()
    {
        if (!inner.MoveNext()) return false;
        switch (inner.Current)
        {
            case MappingStart or SequenceStart when ++_depth > MaxDepth:
                throw new YamlException(inner.Current.Start, inner.Current.End,
                    $"Nesting deeper than {MaxDepth} levels");
            case MappingEnd or SequenceEnd:
                _depth--;
                break;
        }
        return true;
    }
}
