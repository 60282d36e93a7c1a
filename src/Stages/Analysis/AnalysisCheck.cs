using Apache.Arrow;
using DuckDB.NET.Data;
using Retention.Analysis.Plots;
using Retention.Artifacts;
using Retention.Spec;

namespace Retention.Analysis;

/// <summary>A problem the analysis section would meet after training, at the YAML path of the
/// value to change (analysis.tables[0].sql, analysis.plots[1].x), and where in its SQL DuckDB placed it, if it did.</summary>
public sealed record AnalysisProblem(string Path, string Message, SqlErrorLine? InSql = null);

/// <summary>What <see cref="AnalysisCheck.Run"/> found: the problems, and the columns of each analysis table it could
/// create (by name, case-insensitive), so what the tables keep is known before training too.</summary>
public sealed record AnalysisCheckResult(IReadOnlyList<AnalysisProblem> Problems, IReadOnlyDictionary<string, IReadOnlyList<string>> TableColumns);

/// <summary>
/// Runs the analysis section against empty tables with the schemas the runs will write, before
/// any training: a typo in a column name or a plot axis then costs a second, not the run. Each
/// table is created as the analysis would create it (so later tables and plots see its columns),
/// each plot's and overlay's query runs and the columns its kind reads (x, y, and value or series) are looked up.
/// </summary>
public static class AnalysisCheck
{
    /// <param name="context">When it runs (said after each error) and the sweep keys a --set removed; default: before training, none.</param>
    public static AnalysisCheckResult Run(IReadOnlyList<(string Name, Schema Schema)> runTables, AnalysisSpec analysis, AnalysisCheckContext? context = null)
    {
        context ??= AnalysisCheckContext.BeforeTraining;
        var problems = new List<AnalysisProblem>();
        var columns = new Dictionary<string, IReadOnlyList<string>>(StringComparer.OrdinalIgnoreCase);
        string Explain(AnalysisException e, string sql) => Describe(e, sql, runTables, context) + TablesThereAre(e.Cause, sql, runTables, columns.Keys, analysis.Tables, context);
        if (analysis.Tables.Count + analysis.Plots.Count == 0) return new AnalysisCheckResult(problems, columns);
        using var connection = new DuckDBConnection("DataSource=:memory:");
        connection.Open();
        foreach (var (name, schema) in runTables) ArrowTableLoader.CreateEmpty(connection, name, schema, perRun: true);

        // A table that failed makes every later query naming it fail too; those are not new mistakes.
        var failed = new List<string>();
        // As a word ("Table with name t does not exist"): t inside "stpe", or final inside "final_loss", is no mention of it.
        bool Consequence(string message) => failed.Any(t => SqlIdentifiers.Mentions(message, t));
        // Judged by DuckDB's own message (the cause), not by the words this check adds to it.
        void Problem(string path, string message, AnalysisException? cause = null)
        {
            if (!Consequence(cause?.Cause ?? message)) problems.Add(new AnalysisProblem(path, message, cause?.InSql));
        }

        for (int i = 0; i < analysis.Tables.Count; i++)
        {
            var table = analysis.Tables[i];
            if (string.IsNullOrWhiteSpace(table.Sql)) { failed.Add(table.Name); continue; }   // validation says so
            if (runTables.Any(t => t.Name.Equals(table.Name, StringComparison.OrdinalIgnoreCase)))
            {
                Problem($"analysis.tables[{i}].name", $"'{table.Name}' is the name of a table the runs write; choose another");
                continue;
            }
            try
            {
                SqlRunner.CreateTable(connection, table.Name, table.Sql);
                columns[table.Name] = SqlRunner.Query(connection, $"SELECT * FROM {SqlIdentifiers.Quote(table.Name)} LIMIT 0").ColumnNames;
            }
            catch (AnalysisException e)
            {
                Problem($"analysis.tables[{i}].sql", Explain(e, table.Sql) + DeclaredLater(e.Cause, analysis.Tables, i), e);
                failed.Add(table.Name);
            }
        }
        for (int i = 0; i < analysis.Plots.Count; i++)
        {
            var plot = analysis.Plots[i];
            var at = $"analysis.plots[{i}]";
            var numbers = PlotNumberKeys.Of(plot.Kind);
            CheckQuery(connection, plot.Sql, $"{at}.sql", [.. PlotKeys.Read(plot)], numbers, plot.Kind == "heatmap" ? "heatmap" : $"{plot.Kind} plot", at, Problem, Explain);
            for (int j = 0; j < plot.Overlays.Count; j++)
            {
                var o = plot.Overlays[j];
                CheckQuery(connection, o.Sql, $"{at}.overlays[{j}].sql", [("x", o.X), ("y", o.Y)], PlotNumberKeys.OfOverlay(plot.Kind),
                    $"{plot.Kind} plot's overlay", $"{at}.overlays[{j}]", Problem, Explain);
            }
        }
        return new AnalysisCheckResult(problems, columns);
    }

    static void CheckQuery(DuckDBConnection connection, string sql, string sqlPath, (string Key, string? Column)[] columns,
        IReadOnlySet<string> numbers, string what, string at,
        Action<string, string, AnalysisException?> problem, Func<AnalysisException, string, string> explain)
    {
        if (string.IsNullOrWhiteSpace(sql)) return;   // validation says so
        QueryResult result;
        try
        {
            result = SqlRunner.QueryOne(connection, sql, "query");
        }
        catch (AnalysisException e)
        {
            problem(sqlPath, explain(e, sql), e);
            return;
        }
        foreach (var (key, column) in columns)
        {
            if (column is null) continue;
            var found = result.Columns.FirstOrDefault(c => c.Name.Equals(column, StringComparison.OrdinalIgnoreCase));
            if (found is null)
                problem($"{at}.{key}", $"the query has no column '{column}' (its columns: {string.Join(", ", result.ColumnNames)})", null);
            else if (numbers.Contains(key) && PlotNumberKeys.NotANumber(found) is { } type)
                // The plot would fail only once it is drawn, after training, at its first row ('add_p13' (String) is not a number).
                problem($"{at}.{key}", $"column '{found.Name}' is {type}, and a {what}'s {key} is drawn as a number: select a numeric " +
                    $"column, or convert it in the SQL (CAST({found.Name} AS DOUBLE)){PlotNumberKeys.Instead(key, what)}", null);
        }
    }

    /// <summary>The way out when table <paramref name="index"/> reads an analysis table declared after it: tables are made in order.</summary>
    static string DeclaredLater(string cause, IReadOnlyList<AnalysisTableSpec> tables, int index)
    {
        if (SqlRunner.MissingTableName(cause) is not { } missing) return "";
        var later = tables.Select((t, j) => (t.Name, j)).Skip(index + 1).FirstOrDefault(t => t.Name.Equals(missing, StringComparison.OrdinalIgnoreCase));
        return later.Name is null ? "" : $"\n'{later.Name}' is declared after this table (analysis.tables[{later.j}]); tables are made in the order " +
            "they are written, so declare it before the tables that read it";
    }

    /// <summary>A table neither the runs of this pipeline write nor an analysis table declares (a typo, or one written only
    /// with an option: rare with synthetic.rare, a probe's with its probe, swept with a sweep): DuckDB says only that it
    /// does not exist, so the tables there are follow. Not where another hint explains the name (declared later, a removed
    /// sweep key).</summary>
    static string TablesThereAre(string cause, string sql, IReadOnlyList<(string Name, Schema Schema)> runTables, IEnumerable<string> made,
        IReadOnlyList<AnalysisTableSpec> tables, AnalysisCheckContext context)
    {
        if (SqlRunner.MissingTableName(cause) is not { } missing) return "";
        if (tables.Any(t => t.Name.Equals(missing, StringComparison.OrdinalIgnoreCase))) return "";
        if (RemovedSweepKeyHint.For(cause, sql, context.RemovedSweepKeys, runTables) is not null) return "";
        if (context.SweepOfRunFile is { } sweepFile && missing.Equals(Pipeline.RunTables.SweptTable, StringComparison.OrdinalIgnoreCase))
            return $"\nthis file is one run's run.yaml: it sweeps nothing, so its run writes no `{Pipeline.RunTables.SweptTable}` table, which " +
                $"its sweep's analysis reads; `pipeline run` it with --no-analysis --artifacts DIR to train this run alone (DIR another folder: the run keeps " +
                $"its sweep's name, so the sweep's own folder would be set aside under previous/ and replaced), or give the sweep's {sweepFile}";
        var before = made.Order(StringComparer.Ordinal).ToList();
        return $"\nthe runs of this pipeline write {string.Join(", ", runTables.Select(t => t.Name).Order(StringComparer.Ordinal))}" +
            (before.Count > 0 ? $"; the analysis tables before it: {string.Join(", ", before)}" : "");
    }

    /// <summary>DuckDB's message and when it was checked; on a line of its own after them, the way out when the error is
    /// about a sweep key a --set removed.</summary>
    static string Describe(AnalysisException e, string sql, IReadOnlyList<(string Name, Schema Schema)> runTables, AnalysisCheckContext context) =>
        $"{e.Cause.Trim()} {context.Note}"
        + (RemovedSweepKeyHint.For(e.Cause, sql, context.RemovedSweepKeys, runTables) is { } hint ? $"\n{hint}" : "");
}
