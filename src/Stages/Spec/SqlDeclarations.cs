using Retention.Analysis;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Retention.Spec;

/// <summary>
/// Where an analysis step's SQL value is written, as a <see cref="SqlDeclaration"/>. A literal block's lines are mapped to
/// the file's only once each of them has been found on the file line its number says, after the same indentation: then
/// DuckDB's "LINE n" is that file line for sure (a tag or anchor on a line of its own before the indicator would shift it).
/// </summary>
internal static class SqlDeclarations
{
    /// <returns>Null for a --set's value, which has no lines.</returns>
    public static SqlDeclaration? Of(YamlNode node, SourceMap sources, IReadOnlyList<string> fileLines)
    {
        if (sources.ErrorAt(node, "", "") is not { Line: > 0 } at) return null;
        var indent = node is YamlScalarNode { Style: ScalarStyle.Literal, Value: { } sql } ? BlockIndent(sql, at.Line, fileLines) : null;
        return new SqlDeclaration(at.Source, at.Line, at.Column, indent, node is YamlScalarNode scalar ? Spans(scalar, at.Line, at.Column, fileLines) : null);
    }

    /// <summary>Where a one-line value's text lies in the file: from its first character (after a quote; a folded block's
    /// on the line after its indicator) piece by piece, a line's text to the next line's where YAML folded the break into
    /// a space; null where the text is not found so (an escape, a kept line break, a comment line between).</summary>
    static IReadOnlyList<SqlSpan>? Spans(YamlScalarNode node, int line, int column, IReadOnlyList<string> fileLines)
    {
        var value = node.Style == ScalarStyle.Folded ? node.Value?.TrimEnd('\n') : node.Value;
        if (value is null || value.Contains('\n')) return null;
        (int Line, int Column)? first = node.Style switch
        {
            ScalarStyle.Plain => (line, column),
            ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted => (line, column + 1),
            ScalarStyle.Folded when line < fileLines.Count => (line + 1, Indentation(fileLines[line]) + 1),
            _ => null,
        };
        if (first is not { } start) return null;
        var spans = new List<SqlSpan>();
        int pos = 0;
        for (var k = start.Line - 1; k < fileLines.Count; k++)
        {
            var text = fileLines[k].TrimEnd('\r');
            int from = k == start.Line - 1 ? start.Column - 1 : Indentation(text);
            if (from > text.Length) return null;
            var piece = text[from..].TrimEnd(' ', '\t');
            var rest = value.AsSpan(pos);
            // The last piece may be followed by a closing quote, a comment or a flow mapping's '}'.
            if (piece.AsSpan().StartsWith(rest, StringComparison.Ordinal)) { spans.Add(new SqlSpan(k + 1, from + 1, rest.Length)); return spans; }
            if (piece.Length == 0 || rest.Length <= piece.Length || !rest.StartsWith(piece, StringComparison.Ordinal) || rest[piece.Length] != ' ') return null;
            spans.Add(new SqlSpan(k + 1, from + 1, piece.Length));
            pos += piece.Length + 1;
        }
        return null;
    }

    static int Indentation(string line) => line.Length - line.TrimStart(' ', '\t').Length;

    /// <summary>The spaces before the block's text, where its line k (from 1) is the file's line <paramref name="indicatorLine"/>
    /// + k after them; null where a line is not.</summary>
    static int? BlockIndent(string sql, int indicatorLine, IReadOnlyList<string> fileLines)
    {
        int? indent = null;
        var lines = sql.Split('\n');
        for (var k = 0; k < lines.Length; k++)
        {
            if (lines[k].Length == 0) continue;   // an empty line says nothing of the indentation
            if (indicatorLine + k >= fileLines.Count) return null;
            var file = fileLines[indicatorLine + k].TrimEnd('\r');
            var spaces = file.Length - lines[k].Length;
            if (spaces < 0 || !file.EndsWith(lines[k], StringComparison.Ordinal) || file.AsSpan(0, spaces).ContainsAnyExcept(' ')
                || (indent ??= spaces) != spaces)
                return null;
        }
        return indent;
    }
}
