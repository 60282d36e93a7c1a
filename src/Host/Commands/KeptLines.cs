using System.Globalization;
using System.Text.RegularExpressions;

namespace Retention.Host.Commands;

/// <summary>DuckDB's "LINE n:" excerpt of an error in `CREATE TEMP TABLE ... AS` + a line break + the SQL (how `query
/// --output` keeps a result) counted in the SQL as written: the CREATE takes the first line, so each line is one up.</summary>
static partial class KeptLines
{
    public static string AsWritten(string message) => Excerpt().Replace(message, m =>
    {
        var line = int.Parse(m.Groups["line"].Value, CultureInfo.InvariantCulture);
        if (line < 2) return m.Value;   // in the CREATE itself: left as DuckDB said it
        var (was, now) = ($"LINE {line}: ", $"LINE {line - 1}: ");
        // The caret stays under the same character where the label's width changes (LINE 10 to LINE 9).
        var caret = m.Groups["caret"].Value.Length - was.Length + now.Length;
        return caret < 0 ? m.Value : now + m.Groups["text"].Value + "\n" + new string(' ', caret) + "^";
    });

    [GeneratedRegex(@"LINE (?<line>\d+): (?<text>[^\n]*)\n(?<caret> *)\^")]
    private static partial Regex Excerpt();
}
