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
    private ArtifactCatalog(string directory, DuckDBConnection connection, IReadOnlyList<CatalogTable> tables, IReadOnlyList<string> notes)
    {
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
        bool sweep = System.IO.Directory.Exists(Path.Combine(dir, ArtifactLayout.RunsDir)) || ArtifactLayout.Sweeps(dir).Count > 0;
        if (!sweep || CatalogCache.Open(dir, selection.Files) is not { } connection) return Load(dir, selection);
        // The holder's session runs in a transaction that closing discards: nothing it creates (a user's
        // CREATE, an analysis table) lands in the cache file.
        try { CatalogCache.Execute(connection, "BEGIN TRANSACTION"); }
        catch { connection.Dispose(); throw; }
        return new ArtifactCatalog(dir, connection, TablesOf(selection.Files, _ => -1), selection.Notes);   // rows not counted: the cache did not read every file
    }

    /// <summary>The files grouped into tables (DuckDB identifiers are case-insensitive, so stems group the same way).</summary>
    static List<CatalogTable> TablesOf(IReadOnlyList<ArtifactFile> files, Func<IGrouping<string, ArtifactFile>, long> rows) =>
        [.. files.GroupBy(f => f.Table, StringComparer.OrdinalIgnoreCase)
            .Select(g => new CatalogTable(g.Key, [.. g.Select(f => f.Path)], rows(g), PerRun: g.Any(f => f.Run is not null)))];

    public void Dispose() => Connection.Dispose();
}
