using DuckDB.NET.Data;

namespace Retention.Artifacts;

/// <summary>
/// An in-memory DuckDB database holding a sweep's (or a run's) Arrow artifacts as tables, for SQL.
/// DuckDB's own Arrow reader is an extension downloaded at first use, which fails offline and
/// on air-gapped GPU servers, so the files are read with Apache.Arrow and appended instead.
/// </summary>
/// <remarks>
/// Tables (see <see cref="ArtifactLayout"/>): every <c>runs/*/&lt;stem&gt;.arrow</c> becomes table
/// <c>&lt;stem&gt;</c>, the union by column name over runs, with a first column <c>run</c> holding
/// the run directory name (unless the file has its own <c>run</c> column); a run directory
/// given directly gives one run; <c>analysis/&lt;stem&gt;.arrow</c> becomes table <c>&lt;stem&gt;</c> as is. A folder
/// of sweeps gives every table a leading <c>sweep</c> column, analysis tables too where the sweeps' same-named
/// tables combine (<see cref="SweepFolderAnalysis"/>; <see cref="Notes"/> says which do not).
/// A file that cannot be loaded (truncated, corrupt, an unsupported Arrow type, a column type
/// that conflicts with another run's) fails the whole open with an <see cref="ArtifactException"/>
/// naming the file: analysis over silently missing runs would be wrong without saying so.
/// </remarks>
public sealed class ArtifactCatalog : IDisposable
{
    private ArtifactCatalog(string directory, DuckDBConnection connection, IReadOnlyList<CatalogTable> tables, IReadOnlyList<string> notes,
        long? transaction = null)
    {
        this.transaction = transaction;
        Directory = directory;
        Connection = connection;
        Tables = tables;
        Notes = notes;
    }

    public string Directory { get; }

    /// <summary>The open connection; tables created on it (analysis tables) live as long as the catalog.</summary>
    public DuckDBConnection Connection { get; }

    /// <summary>The tables loaded from files, in load order.</summary>
    public IReadOnlyList<CatalogTable> Tables { get; }

    /// <summary>Tables found but not loaded, and why (a folder of sweeps' analysis tables that do not combine).</summary>
    public IReadOnlyList<string> Notes { get; }

    /// <exception cref="ArtifactException">The directory is missing or a file cannot be loaded; the message names the file.</exception>
    public static ArtifactCatalog Open(string directory)
    {
        var dir = Path.GetFullPath(directory);
        return Load(dir, SweepFolderAnalysis.Select(ArtifactLayout.Discover(dir)));
    }

    /// <summary>The discovered files loaded into a new in-memory database.</summary>
    static ArtifactCatalog Load(string dir, ArtifactSelection selection)
    {
        var connection = new DuckDBConnection("DataSource=:memory:");
        try
        {
            connection.Open();
            return new ArtifactCatalog(dir, connection, TablesOf(selection.Files, g => ArrowTableLoader.Load(connection, g.Key, [.. g])), selection.Notes);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>
    /// As <see cref="Open"/>, through the sweep's cached catalog (<see cref="CatalogCache"/>) when the directory
    /// is a sweep or a folder of sweeps: only new or changed files are read. Falls back to loading in memory
    /// when the cache file is held by another process. What the caller creates is never saved to the cache.
    /// </summary>
    public static ArtifactCatalog OpenCached(string directory)
    {
        var dir = Path.GetFullPath(directory);
        var selection = SweepFolderAnalysis.Select(ArtifactLayout.Discover(dir));
        bool sweep = ArtifactLayout.KindOf(dir) is ArtifactLayout.Kind.Sweep or ArtifactLayout.Kind.SweepFolder;
        if (!sweep || CatalogCache.Open(dir, selection.Files) is not { } connection) return Load(dir, selection);
        // The holder's session runs in a transaction that closing discards: nothing it creates (a user's
        // CREATE, an analysis table) lands in the cache file.
        long transaction;
        try
        {
            CatalogCache.Execute(connection, "BEGIN TRANSACTION");
            transaction = TransactionId(connection);
        }
        catch { connection.Dispose(); throw; }
        return new ArtifactCatalog(dir, connection, TablesOf(selection.Files, _ => -1), selection.Notes, transaction);   // rows not counted: the cache did not read every file
    }

    /// <summary>The files grouped into tables (DuckDB identifiers are case-insensitive, so stems group the same way).</summary>
    static List<CatalogTable> TablesOf(IReadOnlyList<ArtifactFile> files, Func<IGrouping<string, ArtifactFile>, long> rows) =>
        [.. files.GroupBy(f => f.Table, StringComparer.OrdinalIgnoreCase)
            .Select(g => new CatalogTable(g.Key, [.. g.Select(f => f.Path)], rows(g), PerRun: g.Any(f => f.Run is not null)))];

    /// <summary>The cached catalog's transaction (null in memory), and whether what ran ended it.</summary>
    readonly long? transaction;
    bool ended;

    static long TransactionId(DuckDBConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT txid_current()";   // the same all through a transaction, new for each statement outside one
        return Convert.ToInt64(command.ExecuteScalar());
    }

    /// <summary>
    /// Throws when what ran on <see cref="Connection"/> ended the cached catalog's transaction (a statement no check
    /// before running caught): what it changed may now be saved in the cache, so the cache file goes when the catalog is
    /// disposed, and the next open rebuilds it from the Arrow files.
    /// </summary>
    public void CheckUnsaved(string step)
    {
        if (transaction is null || ended || TransactionId(Connection) == transaction) return;
        ended = true;
        throw new ArtifactException(Path.Combine(Directory, CatalogCache.FileName),
            $"{step} ended the transaction that keeps a query's changes out of this cache; the cache is deleted, and the next query rebuilds it from the Arrow files");
    }

    public void Dispose()
    {
        Connection.Dispose();
        if (!ended) return;
        foreach (var file in new[] { CatalogCache.FileName, CatalogCache.FileName + ".wal" })
            File.Delete(Path.Combine(Directory, file));
    }
}
