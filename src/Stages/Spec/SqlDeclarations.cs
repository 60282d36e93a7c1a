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
        return new SqlDeclaration(at.Source, at.Line, at.Column, indent);
    }

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
