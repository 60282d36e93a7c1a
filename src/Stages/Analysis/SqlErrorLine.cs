using System.Globalization;
using System.Text.RegularExpressions;

namespace Retention.Analysis;

/// <summary>
/// Where in a step's SQL, as written, DuckDB places an error: its parser and binder errors end with "LINE n: " and the
/// line (or, for a long one, a window of it between "..."), and a caret under the culprit on the next line. Execution
/// errors (a cast only the rows break) carry none.
/// </summary>
/// <param name="Line">1-based, counted in the SQL as written.</param>
/// <param name="Column">1-based; null where the caret cannot be placed for sure (the echoed window is not found once in
/// the line, or the text before the caret is not plain ASCII, whose widths DuckDB counts as a terminal would).</param>
public sealed partial record SqlErrorLine(int Line, int? Column)
{
    /// <summary>Where <paramref name="message"/> places its error in <paramref name="sql"/>; null where it places none, or
    /// its line is not <paramref name="sql"/>'s (an error in another statement's text), or it is in the text the runner
    /// put before the written SQL.</summary>
    /// <param name="sql">The statement DuckDB ran.</param>
    /// <param name="writtenFrom">Where the SQL as written starts in <paramref name="sql"/>, on its first line (after the
    /// <c>CREATE OR REPLACE TABLE ... AS</c> a table's SQL runs in).</param>
    public static SqlErrorLine? In(string message, string sql, int writtenFrom = 0)
    {
        var match = Located().Match(message);
        // DuckDB counts '\r' as a line end too: lines of such a text would not be the ones split here.
        if (!match.Success || sql.Contains('\r')) return null;
        var line = int.Parse(match.Groups["line"].Value, CultureInfo.InvariantCulture);
        var lines = sql.Split('\n');
        if (line < 1 || line > lines.Length) return null;
        var text = lines[line - 1];
        var window = match.Groups["text"].Value;
        var caret = match.Groups["caret"].Value.Length - ("LINE " + match.Groups["line"].Value + ": ").Length;
        bool cutStart = window.StartsWith("...", StringComparison.Ordinal) && !text.StartsWith("...", StringComparison.Ordinal);
        if (cutStart) (window, caret) = (window[3..], caret - 3);
        if (window.EndsWith("...", StringComparison.Ordinal) && !text.Contains(window, StringComparison.Ordinal)) window = window[..^3];
        var start = cutStart ? text.IndexOf(window, StringComparison.Ordinal) : 0;
        if (start < 0 || !text.AsSpan(start).StartsWith(window, StringComparison.Ordinal)) return null;   // not this SQL's line
        bool placed = (!cutStart || text.IndexOf(window, start + 1, StringComparison.Ordinal) < 0)
            && caret >= 0 && caret <= window.Length && window[..caret].All(c => c is >= ' ' and <= '~');
        var column = start + caret - (line == 1 ? writtenFrom : 0);
        if (line == 1 && placed && column < 0) return null;   // in the runner's CREATE TABLE, not in the SQL as written
        return new SqlErrorLine(line, placed && column >= 0 ? column + 1 : null);
    }

    /// <summary><paramref name="message"/> with its LINE 1 excerpt cut to the SQL as written: DuckDB echoes the line it ran,
    /// the runner's <c>CREATE OR REPLACE TABLE ... AS</c> (<paramref name="writtenFrom"/> characters) before the user's text,
    /// and its caret counts them. The message as is where the excerpt shows none of that text, or its caret is in it, or
    /// the excerpt cannot be placed in the line for sure.</summary>
    /// <param name="sql">The statement DuckDB ran.</param>
    public static string AsWritten(string message, string sql, int writtenFrom)
    {
        var match = Located().Match(message);
        if (writtenFrom <= 0 || !match.Success || match.Groups["line"].Value != "1" || sql.Contains('\r')) return message;
        const string head = "LINE 1: ";
        var text = sql.Split('\n')[0];
        var window = match.Groups["text"].Value;
        var caret = match.Groups["caret"].Value.Length - head.Length;
        bool cutStart = window.StartsWith("...", StringComparison.Ordinal) && !text.StartsWith("...", StringComparison.Ordinal);
        if (cutStart) (window, caret) = (window[3..], caret - 3);
        var cutEnd = window.EndsWith("...", StringComparison.Ordinal) && !text.Contains(window, StringComparison.Ordinal) ? "..." : "";
        if (cutEnd.Length > 0) window = window[..^3];
        var start = cutStart ? text.IndexOf(window, StringComparison.Ordinal) : 0;
        if (start < 0 || !text.AsSpan(start).StartsWith(window, StringComparison.Ordinal)
            || (cutStart && text.IndexOf(window, start + 1, StringComparison.Ordinal) >= 0)) return message;
        var shown = writtenFrom - start;   // characters of the runner's text in the excerpt
        if (shown <= 0 || caret < shown || window[..shown].Any(c => c is < ' ' or > '~')) return message;
        var excerpt = head + window[shown..] + cutEnd + "\n" + new string(' ', head.Length + caret - shown) + "^";
        return message[..match.Index] + excerpt + message[(match.Index + match.Length)..];
    }

    [GeneratedRegex(@"LINE (?<line>\d+): (?<text>[^\n]*)\n(?<caret> *)\^")]
    private static partial Regex Located();
}
