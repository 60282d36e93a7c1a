namespace Retention.Analysis;

/// <summary>
/// Where a step's SQL is written in the pipeline file: <paramref name="Line"/> and <paramref name="Column"/> of its value
/// (1-based, as `validate` writes positions). For a literal block (<c>sql: |</c>) whose lines were checked to be the file's
/// lines after its indicator, <paramref name="BlockIndent"/> is the column its text starts after, so an error DuckDB places
/// in the SQL is said at its own line. For a one-line value (a plain, quoted or folded scalar, its lines folded into one)
/// found as is in the file, <paramref name="Spans"/> are where its pieces are, so an error is said at its own column.
/// Elsewhere (escapes, kept line breaks) the SQL's text is not the file's, and an error is said at the value.
/// </summary>
public sealed record SqlDeclaration(string Source, int Line, int Column, int? BlockIndent = null, IReadOnlyList<SqlSpan>? Spans = null)
{
    /// <summary>"file:line:column" of the value.</summary>
    public override string ToString() => $"{Source}:{Line}:{Column}";

    /// <summary>The file's line and column of <paramref name="inSql"/>, at its line's start where DuckDB's caret could not
    /// be placed; the value's where the SQL's lines are not the file's, or DuckDB placed nothing.</summary>
    public (int Line, int Column) At(SqlErrorLine? inSql) => inSql switch
    {
        null => (Line, Column),
        _ when BlockIndent is { } indent => (Line + inSql.Line, indent + (inSql.Column ?? 1)),
        { Line: 1 } when Spans is [var first, ..] => inSql.Column is { } column ? SqlSpan.Locate(Spans, column - 1) : (first.Line, first.Column),
        _ => (Line, Column),
    };

    /// <summary>"file:line:column" of <paramref name="inSql"/>, as <see cref="At"/> places it.</summary>
    public string Where(SqlErrorLine? inSql)
    {
        var (line, column) = At(inSql);
        return $"{Source}:{line}:{column}";
    }
}
