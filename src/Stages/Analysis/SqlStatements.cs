using DuckDB.NET.Data;
using System.Runtime.InteropServices;
using DuckDB.NET.Native;
using System.Text.RegularExpressions;

namespace Retention.Analysis;

/// <summary>
/// One statement of a SQL text: its number (from 1), the line it starts on, its first line (for a title), and
/// <see cref="Placed"/>: the whole text with everything before this statement blanked (line breaks kept) and
/// everything after it left out, so that DuckDB's "LINE n" and caret in an error count in the text the user
/// wrote, with no mapping afterwards. <see cref="ParseError"/> is DuckDB's own error for the first statement it
/// cannot parse (the last one <see cref="SqlStatements.Split"/> returns; its <see cref="Placed"/> runs to the end
/// of the text), read from the parser alone: nothing of the text is run to get it.
/// </summary>
public sealed record SqlStatement(int Number, int Line, string Summary, string Placed, string? ParseError = null)
{
    public bool Parses => ParseError is null;
}

/// <summary>
/// The statements of a SQL text, split where DuckDB's own parser says one ends. DuckDB.NET runs every statement of a
/// command (its reader's NextResult moves through the results), but it passes over statements without a result
/// (CREATE, INSERT) and its error does not say which statement failed; run one by one, each can be named.
/// </summary>
public static partial class SqlStatements
{
    /// <summary>
    /// A ';' ends a statement when the text before it (from the previous end) parses as one statement and the text
    /// after it as the remaining ones: a ';' inside a string, a quoted name or a block comment never passes, one in
    /// a `--` comment only where cutting there leaves the rest parsing as the same statements. Once the whole
    /// parses, the true ends pass that test, so the split always completes. A text of one statement comes back
    /// whole; a text without a statement (blank, comments, semicolons) gives none. A text DuckDB cannot parse gives
    /// the statements before the first one that does not parse, and that one (<see cref="SqlStatement.Parses"/>
    /// false; the whole text when the first does not parse).
    /// </summary>
    public static IReadOnlyList<SqlStatement> Split(DuckDBConnection connection, string sql)
    {
        // The first parse's error is kept: DuckDB reads an IMPORT DATABASE's files while it parses, and one it cannot read
        // aborts the connection's transaction, so every later parse says only "Current transaction is aborted".
        var (total, firstError) = Parse(connection, sql);
        if (total == 0) return [];
        if (total == 1) return [Make(sql, 1, 0, sql.Length)];
        if (total > 1) return [.. Spans(connection, sql, total, closeLast: false).Select((s, i) => Make(sql, i + 1, s.Start, s.End))];
        // The statements before the one that fails end at the last ';' that surely ends one (see Ends); the failing one
        // runs from there to the end. DuckDB's error is its parser's on the whole text: its line and caret count there.
        var error = ParseErrorOf(firstError, sql);
        int cut = -1, before = 0;
        for (int end = sql.IndexOf(';'); end >= 0; end = sql.IndexOf(';', end + 1))
            if (Ends(connection, sql, end) is var n and > 0) (cut, before) = (end, n);
        if (cut < 0) return [Make(sql, 1, 0, sql.Length) with { ParseError = error }];
        var spans = Spans(connection, sql[..cut], before, closeLast: true);
        int failing = spans[^1].End < cut ? spans[^1].End + 1 : cut + 1;   // past the last good statement's own ';'
        return [.. spans.Select((s, i) => Make(sql, i + 1, s.Start, s.End)), Make(sql, before + 1, failing, sql.Length) with { ParseError = error }];
    }

    /// <summary>
    /// The statements before the ';' at <paramref name="at"/> when it surely ends a statement, else 0. The text before
    /// it parsing is not enough: a ';' in a `--` comment passes that too (the comment runs to the end of that text).
    /// So the ';' must also end a statement in the text cut just after it with a statement of our own on the next line:
    /// one more statement there. A ';' in a comment reads that statement as part of its own, which then does not parse
    /// or parses as the same number; one in a string, a quoted name or a block comment leaves the text before it
    /// unparsable.
    /// </summary>
    static int Ends(DuckDBConnection connection, string sql, int at) =>
        Count(connection, sql[..at]) is var n and > 0 && Count(connection, sql[..(at + 1)] + "\nSELECT 1") == n + 1 ? n : 0;

    /// <summary>Where each of the <paramref name="total"/> statements of <paramref name="sql"/> (which parses) starts and
    /// ends; the last ends with the text, or with closeLast at its own ';' when only comments follow it.</summary>
    static List<(int Start, int End)> Spans(DuckDBConnection connection, string sql, int total, bool closeLast)
    {
        var spans = new List<(int Start, int End)>();
        int start = 0, left = total;
        for (int end = sql.IndexOf(';'); end >= 0 && left > (closeLast ? 0 : 1); end = sql.IndexOf(';', end + 1))
        {
            if (Count(connection, sql[start..end]) != 1 || Count(connection, sql[(end + 1)..]) != left - 1) continue;
            spans.Add((start, end));
            start = end + 1;
            left--;
        }
        if (left > 0) spans.Add((start, sql.Length));
        return spans;
    }

    /// <summary>
    /// Whether DuckDB says, without running it, that <paramref name="statement"/> returns no result: it prepares it
    /// (parsed and bound, nothing run) and reads its statement type (CREATE, DROP, SET, ...). False also when it cannot
    /// tell: the statement reads a table an earlier statement creates, or does not parse.
    /// </summary>
    public static bool ReturnsNone(DuckDBConnection connection, SqlStatement statement) =>
        statement.Parses && TypeOf(connection, statement) is { } type && NoResult.Contains(type);

    /// <summary>
    /// Why <paramref name="statement"/> may not run over a catalog (null when it may): the catalog keeps a query in a
    /// transaction that closing discards, so nothing it does lands in a sweep's cache (catalog.duckdb), and a
    /// transaction statement (BEGIN, COMMIT, ROLLBACK, ABORT, END) would end it: what ran before it, or after it
    /// outside any transaction, would be saved in the cache for every later query. IMPORT DATABASE runs the statements
    /// of the files it reads, which can do the same. Known from the parser and binder alone: nothing runs.
    /// </summary>
    public static string? Refused(DuckDBConnection connection, SqlStatement statement)
    {
        // Checked before parsing: an IMPORT DATABASE whose folder cannot be read does not parse (DuckDB reads the files then),
        // and is refused all the same rather than answered with the parser's words.
        if (Importing().IsMatch(statement.Placed[CommentsSkipped(statement.Placed, 0, statement.Placed.Length)..]))
            return "IMPORT DATABASE cannot run in a query: it runs the statements of the files it reads, which can end the " +
                "transaction that keeps a query's changes out of the sweep's cache; import into a database of your own with the DuckDB shell";
        if (!statement.Parses) return null;
        return TypeOf(connection, statement) == Transaction
            ? "transaction statements (BEGIN, COMMIT, ROLLBACK, ABORT, END) cannot run in a query: each query runs in a " +
              "transaction that is discarded when it ends, so that nothing it changes lands in the sweep's cache (catalog.duckdb), " +
              "and ending it would save the changes for every later query; leave the statement out (nothing was run)"
            : null;
    }

    const int Transaction = 10;

    /// <summary>DuckDB's statement type of <paramref name="statement"/>, from preparing it (parsed and bound, nothing run);
    /// null when it cannot be prepared (it reads a table an earlier statement creates, say).</summary>
    static int? TypeOf(DuckDBConnection connection, SqlStatement statement)
    {
        var state = NativeMethods.PreparedStatements.DuckDBPrepare(connection.NativeConnection, statement.Placed, out var prepared);
        using (prepared)
            return state == DuckDBState.Success ? PreparedType(prepared) : null;
    }

    [GeneratedRegex(@"^(IMPORT\s+DATABASE|PRAGMA\s+import_database)\b", RegexOptions.IgnoreCase)]
    private static partial Regex Importing();

    // duckdb.h's duckdb_statement_type (DuckDB.NET's own enum numbers them differently from 18 on): CREATE, ALTER,
    // TRANSACTION, DROP, SET (also SET VARIABLE and USE), LOAD, ATTACH, DETACH. INSERT, UPDATE and DELETE are not
    // here: with RETURNING they return rows.
    static readonly HashSet<int> NoResult = [7, 9, 10, 15, 20, 21, 25, 26];

    // Public in DuckDB's C API, not wrapped by DuckDB.NET.Bindings 1.5.
    [DllImport("duckdb", EntryPoint = "duckdb_prepared_statement_type")]
    static extern int PreparedType(DuckDBPreparedStatement statement);

    /// <summary>The statements DuckDB parses in <paramref name="sql"/>; -1 when it cannot parse it.</summary>
    static int Count(DuckDBConnection connection, string sql) => Parse(connection, sql).Count;

    /// <summary>DuckDB's parser error for <paramref name="sql"/> (its own words, LINE and caret); parsing runs nothing.</summary>
    static string ParseErrorOf(string? error, string sql) =>
        error is { Length: > 0 } ? KeywordColumns.WithHint(error, sql) : "DuckDB cannot parse this statement";

    static (int Count, string? Error) Parse(DuckDBConnection connection, string sql)
    {
        var count = NativeMethods.ExtractStatements.DuckDBExtractStatements(connection.NativeConnection, sql, out var extracted);
        using (extracted)
        {
            var error = NativeMethods.ExtractStatements.DuckDBExtractStatementsError(extracted);
            return count > 0 || string.IsNullOrEmpty(error) ? (count, null) : (-1, error);
        }
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
