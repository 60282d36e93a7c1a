using DuckDB.NET.Data;

namespace Retention.Artifacts;

/// <summary>
/// A sweep's catalog kept as a DuckDB database file, <c>&lt;sweep&gt;/catalog.duckdb</c>, brought up to
/// date at each open: only Arrow files that are new (appended to their table) or changed or gone (their
/// table reloaded) are read, so a query over a sweep of a thousand runs does not read seven thousand
/// files first. The files it holds are listed in <c>_catalog.files</c> with their size, time and
/// <see cref="FileStamp"/> (a same-size copy with the old file's time still changes it), and
/// each table's load and listing commit together, so a kill mid-update leaves the two consistent.
/// DuckDB lets one process write a database file at a time: when another holds it, the caller loads
/// in memory instead. A table with a file that cannot be loaded is dropped with its listing (no earlier version of
/// its files stays to be read in its place, and the next open tries it again), then fails the update or is left
/// out (<see cref="DamagedTables"/>).
/// </summary>
public static class CatalogCache
{
    /// <summary>The up-to-date cache, and the tables left out of it (<see cref="DamagedTables.LeaveOut"/>).</summary>
    public sealed record Opened(DuckDBConnection Connection, IReadOnlyList<LeftOutTable> LeftOut);

    public const string FileName = "catalog.duckdb";
    // In a schema of its own, so `SHOW TABLES` lists only the artifacts' tables.
    const string ListingSchema = "_catalog", ListingTable = "files", Listing = ListingSchema + "." + ListingTable;

    /// <summary>
    /// The up-to-date cache, or null when the file cannot be opened (held by another process)
    /// or brought up to date (a full disk, a read-only folder): the caller then loads in memory, which
    /// reports a bad Arrow file itself.
    /// </summary>
    /// <exception cref="ArtifactException">With <see cref="DamagedTables.Fail"/>: a file cannot be loaded.</exception>
    public static Opened? Open(string directory, IReadOnlyList<ArtifactFile> files, DamagedTables damaged = DamagedTables.Fail)
    {
        var path = Path.Combine(directory, FileName);
        // An empty file is a cache whose creation failed (a full disk): DuckDB would refuse it for good.
        try { if (new FileInfo(path) is { Exists: true, Length: 0 }) File.Delete(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return null; }
        // Quoted by the builder: a folder named with ';' or '=' would otherwise end the value (an ArgumentException) or
        // set another key.
        var connection = new DuckDBConnection(new DuckDBConnectionStringBuilder { DataSource = path }.ConnectionString);
        try
        {
            connection.Open();
        }
        catch (Exception e) when (e is DuckDBException or IOException)
        {
            connection.Dispose();
            return null;
        }
        try
        {
            return new Opened(connection, Update(connection, files, damaged));
        }
        catch (Exception e) when (e is DuckDBException or IOException || e.InnerException is DuckDBException)
        {
            connection.Dispose();
            return null;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <returns>The tables left out for a file that cannot be loaded.</returns>
    static List<LeftOutTable> Update(DuckDBConnection connection, IReadOnlyList<ArtifactFile> files, DamagedTables damaged)
    {
        var leftOut = new List<LeftOutTable>();
        Execute(connection, "DROP TABLE IF EXISTS _catalog_files");   // where caches before 2026-11-30 listed their files: they reload once
        Execute(connection, $"CREATE SCHEMA IF NOT EXISTS {ListingSchema}");
        Execute(connection, $"CREATE TABLE IF NOT EXISTS {Listing} (tbl VARCHAR, path VARCHAR, length BIGINT, mtime BIGINT)");
        // A listing made before the stamp has none (NULL): its files differ from every stamp, and reload once.
        Execute(connection, $"ALTER TABLE {Listing} ADD COLUMN IF NOT EXISTS stamp VARCHAR");
        var known = new Dictionary<string, (string Table, FileStamp Stamp)>(StringComparer.Ordinal);
        using (var command = connection.CreateCommand())
        {
            command.CommandText = $"SELECT tbl, path, length, mtime, stamp FROM {Listing}";
            using var reader = command.ExecuteReader();
            while (reader.Read())
                known[reader.GetString(1)] = (reader.GetString(0), new FileStamp(reader.GetInt64(2), reader.GetInt64(3), reader.IsDBNull(4) ? "" : reader.GetString(4)));
        }
        var current = files.Select(f => (File: f, Stamp: FileStamp.Of(f.Path))).ToList();
        var tables = current.GroupBy(c => c.File.Table, StringComparer.OrdinalIgnoreCase).ToList();
        foreach (var table in tables)
        {
            var now = table.ToList();
            var before = known.Where(k => k.Value.Table.Equals(table.Key, StringComparison.OrdinalIgnoreCase)).ToList();
            bool Unchanged((ArtifactFile File, FileStamp Stamp) c) => known.TryGetValue(c.File.Path, out var k) && k.Stamp == c.Stamp;
            var fresh = now.Where(c => !Unchanged(c)).ToList();
            var nowPaths = now.Select(c => c.File.Path).ToHashSet(StringComparer.Ordinal);
            bool removed = before.Any(b => !nowPaths.Contains(b.Key));
            if (fresh.Count == 0 && !removed) continue;

            Execute(connection, "BEGIN TRANSACTION");
            try
            {
                bool onlyNew = !removed && fresh.All(c => !known.ContainsKey(c.File.Path)) && before.Count > 0;
                if (onlyNew && ArrowTableLoader.TryAppend(connection, table.Key, [.. fresh.Select(c => c.File)]))
                    List(connection, table.Key, fresh);
                else
                {
                    Execute(connection, $"DROP TABLE IF EXISTS {SqlIdentifiers.Quote(table.Key)}");
                    ArrowTableLoader.Load(connection, table.Key, [.. now.Select(c => c.File)]);
                    Execute(connection, $"DELETE FROM {Listing} WHERE lower(tbl) = lower({SqlIdentifiers.Literal(table.Key)})");
                    List(connection, table.Key, now);
                }
                Execute(connection, "COMMIT");
            }
            catch (Exception e)
            {
                // A failed write (a full disk) can end the transaction itself; the first error is the one to report.
                try { Execute(connection, "ROLLBACK"); } catch (DuckDBException) { }
                // A DuckDB error is the cache's own (a full disk): the caller loads in memory, which tells a bad file apart.
                if (e is not ArtifactException bad || bad.InnerException is DuckDBException) throw;
                Forget(connection, table.Key);   // the rollback kept the earlier version of its files: not to be read as this one
                var left = LeftOutTable.Of(table.Key, now.Select(c => c.File), bad);
                if (damaged == DamagedTables.Fail) throw left.Error(bad);
                leftOut.Add(left);
            }
        }
        // Tables whose files are all gone.
        foreach (var gone in known.Values.Select(k => k.Table).Distinct(StringComparer.OrdinalIgnoreCase)
                     .Where(t => !tables.Any(g => g.Key.Equals(t, StringComparison.OrdinalIgnoreCase))).ToList())
            Forget(connection, gone);
        return leftOut;
    }

    /// <summary>Drops <paramref name="table"/> and its listing together, so the next update loads it afresh.</summary>
    static void Forget(DuckDBConnection connection, string table)
    {
        Execute(connection, "BEGIN TRANSACTION");
        try
        {
            Execute(connection, $"DROP TABLE IF EXISTS {SqlIdentifiers.Quote(table)}");
            Execute(connection, $"DELETE FROM {Listing} WHERE lower(tbl) = lower({SqlIdentifiers.Literal(table)})");
            Execute(connection, "COMMIT");
        }
        catch
        {
            try { Execute(connection, "ROLLBACK"); } catch (DuckDBException) { }
            throw;
        }
    }

    /// <summary>Adds files to the listing (an appender: a thousand runs are seven thousand rows).</summary>
    static void List(DuckDBConnection connection, string table, IEnumerable<(ArtifactFile File, FileStamp Stamp)> files)
    {
        using var appender = connection.CreateAppender(ListingSchema, ListingTable);
        foreach (var (file, stamp) in files)
            appender.CreateRow().AppendValue(table).AppendValue(file.Path).AppendValue(stamp.Length).AppendValue(stamp.WriteTicks).AppendValue(stamp.Change).EndRow();
    }

    internal static void Execute(DuckDBConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
