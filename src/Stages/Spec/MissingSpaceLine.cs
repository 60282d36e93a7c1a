using System.Text.RegularExpressions;

namespace Retention.Spec;

/// <summary>
/// A line that lacks the space YAML needs after a key's ':' (`steps:3`) or a list item's '-' (`-name: t`), where the scanner
/// gives up on it or on the line after it. Among other keys `steps:3` is a text where a key belongs, and `-name: t` a key named
/// "-name" whose value the next line's key runs into; the scanner's own error says only that the indentation is off, at a line
/// that may be the next one. (SpacingHint says the same where such a line parses, as a section's only content.)
/// </summary>
internal static partial class MissingSpaceLine
{
    // `  steps:3`, `  - kind:comparison`: a key, its ':' and the value with no space between (a URL's '//' is no value).
    [GeneratedRegex(@"^(\s*(?:-\s+)?)([A-Za-z_][A-Za-z0-9_.]*):(?![\s/])(\S.*?)(?:\s+#.*)?\s*$")]
    private static partial Regex NoSpaceAfterColon();

    // `    -name: t`: a list item's dash run into its first key.
    [GeneratedRegex(@"^(\s*)-([A-Za-z_][A-Za-z0-9_.]*):(?:\s+(.*?))?(?:\s+#.*)?\s*$")]
    private static partial Regex NoSpaceAfterDash();

    /// <summary>The line lacking a space, at <paramref name="line"/> or the nearest line with content above it, with the
    /// column where the space belongs and the message; null where neither lacks one.</summary>
    public static (int Line, int Column, string Message)? Near(string text, int line)
    {
        var lines = text.Split('\n');
        if (line < 1 || line > lines.Length) return null;
        if (At(lines, line) is { } here) return here;
        for (var above = line - 1; above >= 1; above--)
        {
            var content = lines[above - 1].Trim();
            if (content.Length == 0 || content.StartsWith('#')) continue;
            return At(lines, above);
        }
        return null;
    }

    private static (int Line, int Column, string Message)? At(string[] lines, int line)
    {
        var text = lines[line - 1].TrimEnd('\r');
        if (NoSpaceAfterDash().Match(text) is { Success: true } dash && IsKey(dash.Groups[2].Value))
        {
            var value = dash.Groups[3].Value;
            var written = text.Trim();
            return (line, dash.Groups[1].Length + 1,
                $"'{written}' lacks the space YAML needs after a list item's '-', so it reads as a key named '-{dash.Groups[2].Value}': " +
                $"write '- {dash.Groups[2].Value}:{(value.Length > 0 ? " " + value : "")}'");
        }
        if (NoSpaceAfterColon().Match(text) is { Success: true } colon && IsKey(colon.Groups[2].Value))
        {
            var prefix = colon.Groups[1].Value.TrimStart();
            var key = colon.Groups[2].Value;
            return (line, colon.Groups[1].Length + key.Length + 1,
                $"'{prefix}{key}:{colon.Groups[3].Value}' lacks the space YAML needs after a key's ':', so it reads as one text where " +
                $"a key belongs: write '{prefix}{key}: {colon.Groups[3].Value}'");
        }
        return null;
    }

    /// <summary>A key of the schema, or a sweep's dotted path starting with one: only a line whose key is one is told it lacks
    /// a space, so that a value such as a list's `- cuda:0` next to an indentation error is not taken for a key.</summary>
    private static bool IsKey(string key) => SpecSchema.AllKeys.Contains(key.Split('.')[0]);
}
