using DuckDB.NET.Data;
using DuckDB.NET.Native;

namespace Retention.Analysis;

/// <summary>
/// One statement of a SQL text: its number (from 1), the line it starts on, its first line (for a title), and
/// <see cref="Placed"/>: the whole text with everything before this statement blanked (line breaks kept) and
/// everything after it left out, so that DuckDB's "LINE n" and caret in an error count in the text the user
/// wrote, with no mapping afterwards.
/// </summary>
public sealed record SqlStatement(int Number, int Line, string Summary, string Placed);

/// <summary>
/// The statements of a SQL text, split where DuckDB's own parser says one ends. DuckDB.NET runs every statement of a
/// command (its reader's NextResult moves through the results), but it passes over statements without a result
/// (CREATE, INSERT) and its error does not say which statement failed; run one by one, each can be named.
/// </summary>
public static class SqlStatements
{
    /// <summary>
    /// A ';' ends a statement when the text before it (from the previous end) parses as one statement and the text
    /// after it as the remaining ones: a ';' inside a string, a quoted name or a block comment never passes, one in
    /// a `--` comment only where cutting there leaves the rest parsing as the same statements. Once the whole
    /// parses, the true ends pass that test, so the split always completes. A text DuckDB
    /// cannot parse, or of one statement, comes back whole (running it reports the parse error with its line);
    /// a text without a statement (blank, comments, semicolons) gives none.
    /// </summary>
    public static IReadOnlyList<SqlStatement> Split(DuckDBConnection connection, string sql)
    {
        int total = Count(connection, sql);
        if (total == 0) return [];
        if (total is < 0 or 1) return [Make(sql, 1, 0, sql.Length)];
        var statements = new List<SqlStatement>();
        int start = 0, left = total;
        for (int end = sql.IndexOf(';'); end >= 0 && left > 1; end = sql.IndexOf(';', end + 1))
        {
            if (Count(connection, sql[start..end]) != 1 || Count(connection, sql[(end + 1)..]) != left - 1) continue;
            statements.Add(Make(sql, statements.Count + 1, start, end));
            start = end + 1;
            left--;
        }
        statements.Add(Make(sql, statements.Count + 1, start, sql.Length));
        return statements;
    }

    /// <summary>The statements DuckDB parses in <paramref name="sql"/>; -1 when it cannot parse it.</summary>
    static int Count(DuckDBConnection connection, string sql)
    {
        var count = NativeMethods.ExtractStatements.DuckDBExtractStatements(connection.NativeConnection, sql, out var extracted);
        using (extracted)
            return count > 0 || string.IsNullOrEmpty(NativeMethods.ExtractStatements.DuckDBExtractStatementsError(extracted)) ? count : -1;
    }

    static SqlStatement Make(string sql, int number, int start, int end)
    {
        // Past blanks and the semicolons of empty statements: a leading ';' would end the CREATE TABLE ... AS that
        // --output wraps the last statement in.
        int from = start;
        while (from < end && (char.IsWhiteSpace(sql[from]) || sql[from] == ';')) from++;
        var placed = string.Concat(sql.AsSpan(0, from).ToArray().Select(c => c is '\n' or '\r' ? c : ' ')) + sql[from..end];
        // The line and title skip leading comments too (a title, so a nested comment that ends it early does no harm).
        int content = CommentsSkipped(sql, from, end);
        var first = sql[content..end].Split('\n')[0];
        first = string.Join(' ', first.Split((char[])[' ', '\t', '\r'], StringSplitOptions.RemoveEmptyEntries));
        return new SqlStatement(number, 1 + sql.AsSpan(0, content).Count('\n'), first.Length <= 60 ? first : first[..59] + "…", placed);
    }

    static int CommentsSkipped(string sql, int i, int end)
    {
        while (i < end)
        {
            if (char.IsWhiteSpace(sql[i])) i++;
            else if (sql.AsSpan(i).StartsWith("--")) i = sql.IndexOf('\n', i) is var n and >= 0 ? n + 1 : end;
            else if (sql.AsSpan(i).StartsWith("/*")) i = sql.IndexOf("*/", i + 2, StringComparison.Ordinal) is var c and >= 0 ? c + 2 : end;
            else break;
        }
        return Math.Min(i, end);
    }
}
