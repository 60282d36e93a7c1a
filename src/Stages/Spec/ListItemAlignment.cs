using System.Text.RegularExpressions;

namespace Retention.Spec;

/// <summary>
/// A list item's second key not under its first (`- name: t` then `sql: ...` aligned with the '-', or one space off): the
/// scanner expects another '- item' there and says so, though the mistake is the key's indentation. Said with the column the
/// key belongs at, under the item's first key.
/// </summary>
internal static partial class ListItemAlignment
{
    // A list item whose first entry is a key: `    - name: t` (the dash, the spaces after it, the key).
    [GeneratedRegex(@"^(\s*)-(\s+)[A-Za-z_][A-Za-z0-9_.]*\s*:(\s|$)")]
    private static partial Regex ItemWithKey();

    [GeneratedRegex(@"^(\s*)([A-Za-z_][A-Za-z0-9_.]*)\s*:(\s|$)")]
    private static partial Regex KeyLine();

    /// <summary>The message for the key at <paramref name="line"/>, or null where that line is no key or the nearest item
    /// above it is not the one it is misaligned with.</summary>
    public static (int Line, int Column, string Message)? At(string text, int line)
    {
        var lines = text.Split('\n');
        if (line < 1 || line > lines.Length || KeyLine().Match(lines[line - 1].TrimEnd('\r')) is not { Success: true } key) return null;
        var column = key.Groups[1].Length + 1;
        for (var above = line - 1; above >= 1; above--)
        {
            var content = lines[above - 1].TrimEnd('\r');
            if (content.Trim().Length == 0 || content.TrimStart().StartsWith('#')) continue;
            if (ItemWithKey().Match(content) is not { Success: true } item)
            {
                // The item's other keys, deeper: read on up. A line further left, or an item of plain values, is another block.
                var indent = content.Length - content.TrimStart().Length + 1;
                if (indent < column || content.TrimStart().StartsWith('-')) return null;
                continue;
            }
            var dash = item.Groups[1].Length + 1;
            var under = dash + 1 + item.Groups[2].Length;
            // Only a key between the dash and the item's keys (or at the dash) is this mistake; one further left ends the list.
            if (column < dash || column == under) return null;
            return (line, column,
                $"'{key.Groups[2].Value}' is not aligned with the keys of the list item above (line {above}, '{content.Trim()}'): " +
                $"a list item's keys line up under its first one: indent it to column {under}");
        }
        return null;
    }
}
