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
/// given directly gives one run; <c>analysis/&lt;stem&gt;.arrow</c> becomes table <c>&lt;stem&gt;</c> as is.
/// A file that cannot be loaded (truncated, corrupt, an unsupported Arrow type, a column type
/// that conflicts with another run's) fails the whole open with an <see cref="ArtifactException"/>
/// naming the file: analysis over silently missing runs would be wrong without saying so.
/// </remarks>
public sealed class ArtifactCatalog : IDisposable
{
    private ArtifactCatalog(string directory, DuckDBConnection connection, IReadOnlyList<CatalogTable> tables)
    {
        Directory = directory;
        Connection = connection;
        Tables = tables;
    }

    public string Directory { get; }

    /// <summary>The open connection; tables created on it (analysis tables) live as long as the catalog.</summary>
    public DuckDBConnection Connection { get; }

    /// <summary>The tables loaded from files, in load order.</summary>
    public IReadOnlyList<CatalogTable> Tables { get; }

    /// <exception cref="ArtifactException">The directory is missing or a file cannot be loaded; the message names the file.</exception>
    public static ArtifactCatalog Open(string directory)
    {
        var dir = Path.GetFullPath(directory);
        return Load(dir, ArtifactLayout.Discover(dir));
    }

    /// <summary>The discovered files loaded into a new in-memory database.</summary>
    static ArtifactCatalog Load(string dir, IReadOnlyList<ArtifactFile> files)
    {
        var connection = new DuckDBConnection("DataSource=:memory:");
        try
        {
            connection.Open();
            return new ArtifactCatalog(dir, connection, TablesOf(files, g => ArrowTableLoader.Load(connection, g.Key, [.. g])));
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
        var files = ArtifactLayout.Discover(dir);
        bool sweep = System.IO.Directory.Exists(Path.Combine(dir, ArtifactLayout.RunsDir)) || ArtifactLayout.Sweeps(dir).Count > 0;
        if (!sweep || CatalogCache.Open(dir, files) is not { } connection) return Load(dir, files);
        // The holder's session runs in a transaction that closing discards: nothing it creates (a user's
        // CREATE, an analysis table) lands in the cache file.
        try { CatalogCache.Execute(connection, "BEGIN TRANSACTION"); }
        catch { connection.Dispose(); throw; }
        return new ArtifactCatalog(dir, connection, TablesOf(files, _ => -1));   // rows not counted: the cache did not read every file
    }

    /// <summary>The files grouped into tables (DuckDB identifiers are case-insensitive, so stems group the same way).</summary>
    static List<CatalogTable> TablesOf(IReadOnlyList<ArtifactFile> files, Func<IGrouping<string, ArtifactFile>, long> rows) =>
        [.. files.GroupBy(f => f.Table, StringComparer.OrdinalIgnoreCase)
            .Select(g => new CatalogTable(g.Key, [.. g.Select(f => f.Path)], rows(g), PerRun: g.Any(f => f.Run is not null)))];

    public void Dispose() => Connection.Dispose();
}
