namespace Retention.Analysis;

/// <summary>A piece of a one-line SQL value as the file holds it: <paramref name="Length"/> characters from
/// <paramref name="Line"/>:<paramref name="Column"/> (1-based). A plain or folded scalar written over several lines is
/// several pieces, each joined to the next by the one space YAML folds the line break into.</summary>
public sealed record SqlSpan(int Line, int Column, int Length)
{
    /// <summary>The file's line and column of the SQL's character at 0-based <paramref name="offset"/>; the end of the last
    /// piece past them all (the caret DuckDB puts after the last token).</summary>
    public static (int Line, int Column) Locate(IReadOnlyList<SqlSpan> spans, int offset)
    {
        foreach (var span in spans)
        {
            if (offset <= span.Length) return (span.Line, span.Column + offset);   // at Length: the folded space, at this line's end
            offset -= span.Length + 1;
        }
        return (spans[^1].Line, spans[^1].Column + spans[^1].Length);
    }
}
