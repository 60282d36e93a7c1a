using DuckDB.NET.Data;

namespace Retention.Analysis;

/// <summary>Runs SQL on a DuckDB connection; a DuckDB error becomes an <see cref="AnalysisException"/> naming the step.</summary>
public static partial class SqlRunner
{
    /// <param name="step">What the SQL is for, e.g. "analysis table 'final_loss'"; errors start with it.</param>
    public static QueryResult Query(DuckDBConnection connection, string sql, string step = "query")
    {
        return Run(connection, step, sql, 0, () =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = sql;
            using var reader = command.ExecuteReader();
            var columns = Enumerable.Range(0, reader.FieldCount)
                .Select(i => new QueryColumn(reader.GetName(i), reader.GetDataTypeName(i), reader.GetFieldType(i)))
                .ToList();
            var rows = new List<IReadOnlyList<object?>>();
            while (reader.Read())
            {
                var row = new object?[columns.Count];
                for (var i = 0; i < row.Length; i++) row[i] = reader.IsDBNull(i) ? null : Materialised(reader.GetValue(i));
                rows.Add(Array.AsReadOnly(row));
            }
            return new QueryResult(columns, rows.AsReadOnly());
        });
    }

    /// <summary>As <see cref="Query"/>, for SQL declared as one query (a plot's, an overlay's): a text of several statements
    /// is refused before any runs, as <see cref="CreateTable"/> refuses it.</summary>
    public static QueryResult QueryOne(DuckDBConnection connection, string sql, string step)
    {
        RequireOneStatement(connection, sql, step);
        return Query(connection, sql, step);
    }

    /// <summary>A table or plot is one query's result. DuckDB runs every statement of a text and keeps the first result,
    /// so the others would run unseen, and one that writes (DROP TABLE metrics) would break the steps after it.</summary>
    static void RequireOneStatement(DuckDBConnection connection, string sql, string step)
    {
        var statements = SqlStatements.Split(connection, sql);
        if (statements.Count < 2) return;
        var next = statements[1];
        throw new AnalysisException(step, $"its SQL holds {statements.Count} statements, but a table or plot is the result of one query: " +
            // Numbered among the SQL's statements: a line number here was read as the file's, which the error's position gives.
            $"statement {next.Number} of the SQL ({next.Summary}) would run with no step of its own; declare each query as its own " +
            "table (a table can read the tables declared before it)") { InSql = new SqlErrorLine(next.Line, null) };
    }

    /// <summary>A BLOB comes as a stream over the reader's memory, which later rows reuse: its bytes are copied out.</summary>
    static object Materialised(object value)
    {
        if (value is not Stream stream) return value;
        using (stream)
        {
            var bytes = new MemoryStream();
            stream.CopyTo(bytes);
            return bytes.ToArray();
        }
    }

    /// <summary>Runs a statement that returns no rows (CREATE TABLE ... AS, ...).</summary>
    public static void Execute(DuckDBConnection connection, string sql, string step = "statement") => Execute(connection, sql, step, 0);

    /// <summary>Creates (or replaces) table <paramref name="name"/> as <paramref name="sql"/> selects, as an analysis table
    /// is made; an error DuckDB places in the SQL is placed in it as written (<see cref="AnalysisException.InSql"/>).</summary>
    public static void CreateTable(DuckDBConnection connection, string name, string sql, string step = "statement")
    {
        RequireOneStatement(connection, sql, step);
        var create = $"CREATE OR REPLACE TABLE {Artifacts.SqlIdentifiers.Quote(name)} AS ";
        Execute(connection, create + StripTrailingSemicolons(sql), step, create.Length);
    }

    // "SELECT ...;" is natural to write but invalid inside CREATE TABLE ... AS.
    internal static string StripTrailingSemicolons(string sql) => sql.TrimEnd().TrimEnd(';').TrimEnd();

    /// <param name="writtenFrom">Where the step's SQL as written starts in <paramref name="sql"/>.</param>
    private static void Execute(DuckDBConnection connection, string sql, string step, int writtenFrom)
    {
        Run(connection, step, sql, writtenFrom, () =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = sql;
            return command.ExecuteNonQuery();
        });
    }

    private static T Run<T>(DuckDBConnection connection, string step, string sql, int writtenFrom, Func<T> action)
    {
        try
        {
            return action();
        }
        catch (DuckDBException ex)
        {
            var message = WithoutUnqueryableSuggestion(connection, WithoutSystemSuggestion(ex.Message));
            // The excerpt shows the SQL the user wrote, not the CREATE TABLE the runner wrapped it in.
            throw new AnalysisException(step, KeywordColumns.WithHint(SqlErrorLine.AsWritten(message, sql, writtenFrom), sql), ex) { InSql = SqlErrorLine.In(message, sql, writtenFrom) };
        }
    }

    /// <summary>DuckDB's message without a "Did you mean" that points at one of its own system tables (a typo of
    /// `metrics` far from every table got `Did you mean "pg_namespace"?`): no user means those.</summary>
    internal static string WithoutSystemSuggestion(string message) => SystemSuggestion().Replace(message, "");

    /// <summary>DuckDB's message without a "Did you mean" for a missing table that names no table a user can query: after a
    /// table was left out (a damaged file), DuckDB offered "catalog.metrics", which is no more there than metrics, and a
    /// typo near "files" got the catalog cache's own listing, <c>_catalog.files</c>. Kept where the check cannot run.</summary>
    internal static string WithoutUnqueryableSuggestion(DuckDBConnection connection, string message)
    {
        if (MissingTableName(message) is null || Suggestion().Match(message) is not { Success: true } m) return message;
        var parts = m.Groups["name"].Value.Split('.');
        if (parts.Length > 3) return message;
        try
        {
            using var command = connection.CreateCommand();
            // One part: a table of any schema; two: schema.table or database.table; three: database.schema.table.
            command.CommandText = "SELECT count(*) FROM information_schema.tables WHERE table_schema <> '_catalog' AND lower(table_name) = lower($1) AND " + parts.Length switch
            {
                1 => "true",
                2 => "(lower(table_schema) = lower($2) OR lower(table_catalog) = lower($2))",
                _ => "lower(table_schema) = lower($2) AND lower(table_catalog) = lower($3)",
            };
            command.Parameters.Add(new DuckDBParameter(parts[^1]));
            if (parts.Length > 1) command.Parameters.Add(new DuckDBParameter(parts[^2]));
            if (parts.Length > 2) command.Parameters.Add(new DuckDBParameter(parts[0]));
            return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) > 0 ? message : message.Remove(m.Index, m.Length);
        }
        catch (DuckDBException)
        {
            return message;   // e.g. in a transaction the error aborted
        }
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"\nDid you mean ""(?<name>[^""]*)""\?")]
    private static partial System.Text.RegularExpressions.Regex Suggestion();

    /// <summary>The table DuckDB's "Table with name X does not exist!" names, or null for another error.</summary>
    public static string? MissingTableName(string message) => MissingTable().Match(message) is { Success: true } m ? m.Groups[1].Value : null;

    [System.Text.RegularExpressions.GeneratedRegex(@"Table with name ([^\s!]+) does not exist!")]
    private static partial System.Text.RegularExpressions.Regex MissingTable();

    [System.Text.RegularExpressions.GeneratedRegex(@"\nDid you mean ""(?:[a-z_]+\.)?(?:pg_|sqlite_|information_schema|duckdb_)[^""]*""\?")]
    private static partial System.Text.RegularExpressions.Regex SystemSuggestion();
}
