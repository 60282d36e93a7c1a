using System.CommandLine;
using Retention.Analysis;
using Retention.Artifacts;
using Retention.Host.Output;

namespace Retention.Host.Commands;

/// <summary>`pipeline query DIR SQL`: ad-hoc SQL over a run's or a sweep's Arrow artifacts.</summary>
public static class QueryCommand
{
    public static Command Build()
    {
        var dir = new Argument<string>("dir") { Description = "A sweep directory (artifacts/NAME), a folder of sweeps, or one run directory." }
            .NotEmpty("a sweep directory (artifacts/NAME[-PROFILE]), a folder of sweeps, or one run directory");
        var sql = new Argument<string>("sql") { Description = "SQL over the tables the runs wrote (synthetic: metrics, train, theory, ...; OLMo: train, eval, task_metrics, probes ...; every sweep: swept) and the analysis outputs; in artifacts/bench, each record's table and one view per bench (synthetic, train, ...) joining its records; SHOW TABLES lists them. Several statements (separated by ';') run in order, each result printed." };
        var rows = new Option<int>("--rows", "-n") { Description = "Rows to print (of each statement's result).", DefaultValueFactory = _ => 50 }.AtLeast(0);
        var output = new Option<string?>("--output") { Description = "Also write the whole result of the last statement to a file, in the format its extension names: .csv, .parquet, or .arrow (Arrow IPC; also .feather, .ipc). Repeated column names are made unique as DuckDB does (step, step_1), in the file and in what is printed." };
        var cmd = new Command("query", "Run SQL (DuckDB) over Arrow artifacts; `pipeline query DIR \"SHOW TABLES\"` lists them.")
        {
            dir, sql, rows, output,
        };
        cmd.SetAction(async (r, ct) =>
        {
            IReadOnlyList<CatalogTable>? loaded = null;
            IReadOnlyList<LeftOutTable> leftOut = [];
            IReadOnlyList<CatalogView> views = [];
            try
            {
                var text = r.GetValue(sql)!;
                if (string.IsNullOrWhiteSpace(text)) throw new UsageException("the SQL is empty; try \"SHOW TABLES\"");
                // Said before anything runs, as a bad extension is: writing the result found it only after the query ran. Before
                // the extension, which a folder (artifacts/, out/) usually lacks: "unknown extension ''" did not say what was wrong.
                if (r.GetValue(output) is { } target && (Directory.Exists(target) || Path.EndsInDirectorySeparator(target)))
                    throw new UsageException($"--output '{target}' {(Directory.Exists(target) ? "is" : "names")} a folder: name a file to write, " +
                        $"e.g. {Path.Combine(target, "result" + QueryOutput.ExtensionOr(Path.TrimEndingDirectorySeparator(target), ".csv"))}");
                var format = r.GetValue(output) is { } path ? QueryOutput.FormatOf(path) : null;
                if (format is not null && OutputFolder.FileInTheWay(r.GetValue(output)!) is { } inTheWay) throw new UsageException(inTheWay);
                QueryTarget.Check(r.GetValue(dir)!);
                if (format is not null && OutputOverTable.Problem(r.GetValue(output)!, r.GetValue(dir)!) is { } over) throw new UsageException(over);
                // A new .arrow in a run's folder or an analysis/ is a table of the next query of the sweep (a run's rows only).
                if (format is not null && TablesFolder.IsTableFile(r.GetValue(output)!)
                    && TablesFolder.OutputProblem(r.GetValue(output)!, Path.GetDirectoryName(Path.GetFullPath(r.GetValue(output)!))!,
                        "the result", Path.GetFileName(r.GetValue(output)!), queried: r.GetValue(dir)) is { } intoTables) throw new UsageException(intoTables);
                // A CREATE in the query never lands in the cache. A table with a damaged file is left out whole, with a
                // note: exploring the rest of the sweep must not wait for it (analysis, which must cover every run, fails).
                using var catalog = ArtifactCatalog.OpenCached(r.GetValue(dir)!, DamagedTables.LeaveOut);
                loaded = catalog.Tables;
                leftOut = catalog.LeftOut;
                views = catalog.Views;
                foreach (var note in catalog.Notes) Console.Error.WriteLine($"note: {note}");
                if (catalog.Tables.Count == 0 && catalog.LeftOut.Count == 0)
                    Console.Error.WriteLine($"note: no Arrow tables under {r.GetValue(dir)} (" + (QueryTarget.NotStarted(r.GetValue(dir)!) ??
                        QueryTarget.SweepsBelow(r.GetValue(dir)!) ??
                        ScanLeftovers.WhyNoTables(Path.GetFullPath(r.GetValue(dir)!)) ??
                        "give a sweep directory, a run directory or a folder of sweeps; a run still training writes its tables at its " +
                        "checkpoints and when it ends") + ")");
                var statements = SqlStatements.Split(catalog.Connection, text);
                if (statements.Count == 0) throw new UsageException("the SQL has no statement, only comments or semicolons; try \"SHOW TABLES\"");
                // What can be known before running anything is refused before: a statement that does not parse (DuckDB's
                // parser error, nothing run), one that would end the transaction keeping the query out of the sweep's cache,
                // and, for --output, a last statement DuckDB says returns nothing.
                if (statements[^1] is { ParseError: { } error } bad)
                    throw SqlStatements.Refused(catalog.Connection, bad) is { } refused
                        ? new UsageException($"{StepOf(bad, statements.Count)} ({bad.Summary}): {refused}")
                        : new AnalysisException(StepOf(bad, statements.Count), error);
                foreach (var statement in statements)
                    if (SqlStatements.Refused(catalog.Connection, statement) is { } why)
                        throw new UsageException($"{StepOf(statement, statements.Count)} ({statement.Summary}): {why}");
                if (format is not null && SqlStatements.ReturnsNone(catalog.Connection, statements[^1]))
                    throw new UsageException(ReturnsNone(statements, "nothing was run"));
                var last = Run(catalog, statements, format, r.GetValue(rows));
                if (format is not null)
                {
                    if (last.Columns.Count == 0) throw new UsageException(ReturnsNone(statements, "nothing was written"));
                    try { await QueryOutput.WriteAsync(catalog, last, r.GetValue(output)!, format, ct); }
                    catch (Exception e) when (e is IOException or UnauthorizedAccessException or AnalysisException)
                    {
                        // The query was fine: writing its result failed (a full disk, a folder without write permission).
                        Console.Error.WriteLine($"error: --output {r.GetValue(output)}: {Errors.Describe(e, WriteAdvice.Output)}");
                        return ExitCodes.Failed;
                    }
                }
                return ExitCodes.Ok;
            }
            catch (Exception e) when (Errors.IsUserFacing(e))
            {
                int exit = Errors.Report(e, inputErrors: true, advice: WriteAdvice.Output);
                if (e is AnalysisException && loaded is not null && MissingTable.Note(e.Message, r.GetValue(dir)!, loaded, leftOut, views) is { } note)
                    Console.Error.WriteLine($"note: {note}");
                return exit;
            }
        });
        return cmd;
    }

    /// <summary>What an error of <paramref name="statement"/> starts with: its number and line when there are several.</summary>
    static string StepOf(SqlStatement statement, int count) =>
        count > 1 ? $"query statement {statement.Number} (line {statement.Line})" : "query";

    static string ReturnsNone(IReadOnlyList<SqlStatement> statements, string outcome) =>
        $"--output writes the last statement's result, and statement {statements.Count} ({statements[^1].Summary}) returns none; " +
        $"end the SQL with the query whose result to write ({outcome})";

    /// <summary>Runs the statements in order and prints each result as it comes (an error in a later statement
    /// leaves the earlier results shown); returns the last statement's result.</summary>
    static QueryResult Run(ArtifactCatalog catalog, IReadOnlyList<SqlStatement> statements, string? format, int rows)
    {
        QueryResult result = null!;
        bool printed = false;
        foreach (var statement in statements)
        {
            bool several = statements.Count > 1;
            var step = StepOf(statement, statements.Count);
            // The result --output writes is kept as a table: the SQL runs once, so the file holds exactly what is
            // printed (random(), now()), column names made unique as the file holds them.
            result = format is not null && statement.Number == statements.Count
                ? QueryOutput.QueryKept(catalog, statement.Placed, step, format)
                : SqlRunner.Query(catalog.Connection, statement.Placed, step);
            catalog.CheckUnsaved(step);   // a statement refused too late is still kept out of every later query
            if (result.Columns.Count == 0) continue;   // CREATE, INSERT, SET: nothing to show, as in DuckDB's own shell
            if (printed) Console.WriteLine();
            TablePrinter.Print(result, several ? $"statement {statement.Number} (line {statement.Line}): {statement.Summary}" : null, rows);
            printed = true;
        }
        return result;
    }
}

/// <summary>A query's result written in the format its file extension names; written under .tmp, flushed and
/// renamed, like every artifact. CSV and Parquet are DuckDB's own writers (COPY).</summary>
static class QueryOutput
{
    public static string FormatOf(string path) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".csv" => "csv",
        ".parquet" => "parquet",
        ".arrow" or ".feather" or ".ipc" => "arrow",
        var other => throw new UsageException(
            $"--output '{path}': unknown extension '{other}'; use .csv, .parquet or .arrow (.feather, .ipc)"),
    };

    /// <summary>The extension of <paramref name="path"/> where it is one --output writes, else <paramref name="otherwise"/>.</summary>
    public static string ExtensionOr(string path, string otherwise) =>
        Path.GetExtension(path).ToLowerInvariant() is ".csv" or ".parquet" or ".arrow" or ".feather" or ".ipc" ? Path.GetExtension(path) : otherwise;

    const string Kept = "_query_output";

    /// <summary>Runs the SQL once into a temporary table and reads the result from it (its names as DuckDB made
    /// them unique: step, step_1). Where the SQL cannot be a table's source (SHOW, DESCRIBE, SUMMARIZE, PRAGMA), it
    /// runs as written: its result for .arrow, else its own error or a hint.</summary>
    public static QueryResult QueryKept(ArtifactCatalog catalog, string sql, string step, string format)
    {
        try
        {
            // The SQL after a line break: a trailing `-- comment` stays a comment, and errors keep their own text.
            SqlRunner.Execute(catalog.Connection, $"CREATE TEMP TABLE {Kept} AS\n{sql}\n", step);
        }
        catch (AnalysisException created)
        {
            QueryResult plain;
            try { plain = SqlRunner.Query(catalog.Connection, sql, step); }   // throws the SQL's own error, naming its own line
            // An error while the CREATE ran (a cast only the rows break) aborted a sweep's cached catalog's transaction, and
            // the SQL as written then said only "Current transaction is aborted": the CREATE's error is the SQL's own.
            catch (AnalysisException again) when (again.Cause.Contains("Current transaction is aborted", StringComparison.Ordinal))
            {
                throw new AnalysisException(step, KeptLines.AsWritten(created.Cause), created.InnerException);
            }
            // A result for .arrow; none (a CREATE DuckDB could not tell of before running it) for the caller to refuse.
            if (format == "arrow" || plain.Columns.Count == 0) return plain;
            throw new UsageException("--output .csv or .parquet writes the result of a query that can fill a table (SELECT, WITH, " +
                "VALUES, FROM ...; e.g. SELECT * FROM (SUMMARIZE metrics)); write the rows of SHOW, DESCRIBE, PRAGMA or " +
                "INSERT/UPDATE/DELETE ... RETURNING with --output FILE.arrow (nothing was written)");
        }
        return SqlRunner.Query(catalog.Connection, $"SELECT * FROM {Kept}", step);
    }

    public static async Task WriteAsync(ArtifactCatalog catalog, QueryResult result, string path, string format, CancellationToken ct)
    {
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        if (format == "arrow")
        {
            // Types DuckDB has and these Arrow files do not (LIST, TIME, ...): known before anything is written. The SQL must
            // change (or the format), as for bad SQL.
            try { await result.WriteArrowAsync(full, ct); }
            catch (Exception e) when (e is NotSupportedException or OverflowException)
            {
                throw new UsageException($"--output {path}: {e.Message}, or write .parquet or .csv, which keep it (nothing was written)");
            }
            return;
        }
        var options = format == "csv" ? "FORMAT csv, HEADER" : "FORMAT parquet";
        // Under .tmp, flushed and renamed, as every artifact; a failed write leaves no .tmp.
        try
        {
            await AtomicFile.ReplaceAllAsync([(full, tmp =>
            {
                SqlRunner.Execute(catalog.Connection, $"COPY {Kept} TO '{tmp.Replace("'", "''")}' ({options})", "writing");
                return Task.CompletedTask;
            })]);
        }
        catch (AnalysisException e) when (SystemFault(e) is { } fault) { throw fault; }
    }

    /// <summary>DuckDB's COPY says a denied or read-only folder in its message only: as the exceptions .NET's own writes
    /// throw (the .arrow path), so the error says what to do as it does for .arrow.</summary>
    static Exception? SystemFault(AnalysisException e) =>
        e.Message.Contains("Permission denied", StringComparison.OrdinalIgnoreCase) ? new UnauthorizedAccessException(e.Message, e)
        : e.Message.Contains("Read-only file system", StringComparison.OrdinalIgnoreCase) ? new IOException(e.Message, e)
        : null;
}
