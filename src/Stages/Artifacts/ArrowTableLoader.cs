using Apache.Arrow;
using Apache.Arrow.Ipc;
using DuckDB.NET.Data;

namespace Retention.Artifacts;

/// <summary>
/// Loads the Arrow files of one table (one file per run, or one analysis file) into a DuckDB
/// table: the union of their columns by name (a column a file lacks is NULL for its rows),
/// with a leading <c>run VARCHAR</c> for run artifacts. Rows go through DuckDB's appender,
/// column by column with typed values, not through per-row SQL.
/// </summary>
internal static class ArrowTableLoader
{
    public const string RunColumn = "run";
    public const string SweepColumn = "sweep";

    private sealed record TableColumn(string Name, DuckColumnType Type, string FirstFile);

    /// <returns>The number of rows loaded.</returns>
    /// <exception cref="ArtifactException">A file is unreadable, corrupt, or has an unsupported or conflicting column type.</exception>
    public static long Load(DuckDBConnection connection, string table, IReadOnlyList<ArtifactFile> files)
    {
        var columns = UnionColumns(files);
        CreateTable(connection, table, columns, files[0].Path);
        return files.Sum(file => AppendFile(connection, table, columns, file));
    }

    /// <summary>Creates <paramref name="table"/> with the columns of <paramref name="schema"/> and no rows
    /// (with the leading <c>run</c> column when <paramref name="perRun"/>), as a load of such files would.</summary>
    public static void CreateEmpty(DuckDBConnection connection, string table, Schema schema, bool perRun)
    {
        var columns = new List<TableColumn>();
        if (perRun) columns.Add(new TableColumn(RunColumn, DuckColumnType.Varchar, table));
        foreach (var field in schema.FieldsList)
            columns.Add(new TableColumn(field.Name, DuckColumnTypes.FromArrow(field.DataType)
                ?? throw new ArgumentException($"column '{field.Name}' of {table} has an unsupported type"), table));
        CreateTable(connection, table, columns, table);
    }

    /// <summary>
    /// Appends <paramref name="files"/> to an existing table when every column they bring is already
    /// there (the cache's usual case: new runs of the same tables); false when the table's columns would
    /// have to change, so the caller reloads it whole.
    /// </summary>
    public static bool TryAppend(DuckDBConnection connection, string table, IReadOnlyList<ArtifactFile> files)
    {
        var existing = new List<(string Name, string Type)>();
        using (var command = connection.CreateCommand())
        {
            // The table in the schema it was created in: the cache keeps its listing in a schema of its own, as a table named
            // `files`, whose columns are not this one's.
            command.CommandText = "SELECT column_name, data_type FROM information_schema.columns WHERE table_catalog = current_database() " +
                $"AND table_schema = current_schema() AND table_name = {SqlIdentifiers.Literal(table)} ORDER BY ordinal_position";
            using var reader = command.ExecuteReader();
            while (reader.Read()) existing.Add((reader.GetString(0), reader.GetString(1)));
        }
        if (existing.Count == 0) return false;
        var union = UnionColumns(files);
        // Every new column must already be there with the same type (a swept value that turned from
        // integer to fractional widens its column: a reload).
        if (union.Any(c => !existing.Any(e => e.Name == c.Name && e.Type.Equals(c.Type.Sql(), StringComparison.OrdinalIgnoreCase)))) return false;
        // The table's own column order and types; a file lacking a column appends NULLs there.
        var columns = existing.Select(e => union.FirstOrDefault(c => c.Name == e.Name)
            ?? new TableColumn(e.Name, DuckColumnTypes.FromSql(e.Type), table)).ToList();
        foreach (var file in files) AppendFile(connection, table, columns, file);
        return true;
    }

    /// <summary>Why <paramref name="files"/> cannot be one table (a column whose types do not unify, naming both
    /// files), or null when they can; an unreadable file or unsupported type still throws, as loading would.</summary>
    public static string? ConflictOf(IReadOnlyList<ArtifactFile> files)
    {
        string? conflict = null;
        UnionColumns(files, message => conflict ??= message);
        return conflict;
    }

    /// <param name="conflict">Told of a column whose types do not unify, which then keeps its first type; without
    /// it such a column throws.</param>
    private static List<TableColumn> UnionColumns(IReadOnlyList<ArtifactFile> files, Action<string>? conflict = null)
    {
        var columns = new List<TableColumn>();
        if (files.Any(f => f.Sweep is not null))
            columns.Add(new TableColumn(SweepColumn, DuckColumnType.Varchar, files[0].Path));
        if (files.Any(f => f.Run is not null))
            columns.Add(new TableColumn(RunColumn, DuckColumnType.Varchar, files[0].Path));

        foreach (var file in files)
        {
            foreach (var field in ReadSchema(file.Path).FieldsList)
            {
                var type = DuckColumnTypes.FromArrow(field.DataType) ?? throw new ArtifactException(file.Path,
                    $"column '{field.Name}' has Arrow type {field.DataType.Name}, which analysis does not load " +
                    "(supported: integers, float, double, utf8, bool, timestamp, date)");
                var index = columns.FindIndex(c => c.Name == field.Name);
                if (index < 0)
                {
                    columns.Add(new TableColumn(field.Name, type, file.Path));
                    continue;
                }
                var existing = columns[index];
                if (DuckColumnTypes.Unify(existing.Type, type) is { } unified)
                    columns[index] = existing with { Type = unified };
                else if (conflict is null)
                    throw new ArtifactException(file.Path, $"column '{field.Name}' is {type.Sql()} here but {existing.Type.Sql()} in '{existing.FirstFile}'");
                else
                    conflict($"column '{field.Name}' is {existing.Type.Sql()} in '{existing.FirstFile}' but {type.Sql()} in '{file.Path}'");
            }
        }
        return columns;
    }

    private static Schema ReadSchema(string path) =>
        ArrowFooter.TryReadSchema(path, out var problem) ?? throw new ArtifactException(path, $"not a readable Arrow IPC file ({problem!.Message})", problem);

    private static void CreateTable(DuckDBConnection connection, string table, List<TableColumn> columns, string firstFile)
    {
        var definitions = string.Join(", ", columns.Select(c => $"{SqlIdentifiers.Quote(c.Name)} {c.Type.Sql()}"));
        try
        {
            using var command = connection.CreateCommand();
            command.CommandText = $"CREATE TABLE {SqlIdentifiers.Quote(table)} ({definitions})";
            command.ExecuteNonQuery();
        }
        catch (DuckDBException ex)
        {
            throw new ArtifactException(firstFile, $"cannot create table '{table}': {ex.Message}", ex);
        }
    }

    private static long AppendFile(DuckDBConnection connection, string table, List<TableColumn> columns, ArtifactFile file)
    {
        long rows = 0;
        try
        {
            using var reader = new ArrowFileReader(File.OpenRead(file.Path));
            using var appender = connection.CreateAppender(table);
            while (reader.ReadNextRecordBatch() is { } batch)
            {
                using (batch)
                {
                    var writers = columns.Select(c => WriterFor(c, batch, file)).ToArray();
                    for (var i = 0; i < batch.Length; i++)
                    {
                        var row = appender.CreateRow();
                        foreach (var write in writers) write(row, i);
                        row.EndRow();
                    }
                    rows += batch.Length;
                }
            }
            appender.Close();
        }
        catch (Exception ex) when (ex is not (ArtifactException or OperationCanceledException))
        {
            throw new ArtifactException(file.Path, $"cannot load into table '{table}' ({ex.Message})", ex);
        }
        return rows;
    }

    private static CellWriter WriterFor(TableColumn column, RecordBatch batch, ArtifactFile file)
    {
        var index = batch.Schema.GetFieldIndex(column.Name);
        if (index >= 0) return ArrowColumnAppender.For(column.Type, batch.Column(index));
        return ArrowColumnAppender.Constant(column.Name == RunColumn ? file.Run : column.Name == SweepColumn ? file.Sweep : null);
    }
}
