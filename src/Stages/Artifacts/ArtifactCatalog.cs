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
/// naming the file and what to do (<see cref="DamagedTables.Fail"/>): analysis over silently missing runs would
/// be wrong without saying so. With <see cref="DamagedTables.LeaveOut"/> (queries) its table is left out whole
/// instead, said in <see cref="Notes"/> and listed in <see cref="LeftOut"/>, and the other tables load. Tables of records
/// named by their time (a folder of bench records) are also joined in one view per kind (<see cref="Views"/>).
/// </remarks>
public sealed class ArtifactCatalog : IDisposable
{
    private ArtifactCatalog(string directory, DuckDBConnection connection, IReadOnlyList<CatalogTable> tables, IReadOnlyList<string> notes,
        IReadOnlyList<LeftOutTable> leftOut, long? transaction = null)
    {
        this.transaction = transaction;
        Directory = directory;
        Connection = connection;
        Tables = tables;
        LeftOut = leftOut;
        var viewNotes = new List<string>();
        Views = RecordViews.Create(connection, tables, viewNotes.Add);
        Notes = [.. notes, .. leftOut.Select(t => t.Note), .. viewNotes];
    }

    public string Directory { get; }

    /// <summary>The open connection; tables created on it (analysis tables) live as long as the catalog.</summary>
    public DuckDBConnection Connection { get; }

    /// <summary>The tables loaded from files, in load order.</summary>
    public IReadOnlyList<CatalogTable> Tables { get; }

    /// <summary>Views over the loaded tables: one per kind of record named by its time (<see cref="RecordViews"/>: the bench
    /// records' synthetic, train, ...), each the union of that kind's tables.</summary>
    public IReadOnlyList<CatalogView> Views { get; }

    /// <summary>Tables found but not loaded, and why (a folder of sweeps' analysis tables that do not combine, and
    /// the <see cref="LeftOut"/> tables' notes).</summary>
    public IReadOnlyList<string> Notes { get; }

    /// <summary>Tables left out because a file of theirs cannot be loaded (<see cref="DamagedTables.LeaveOut"/>).</summary>
    public IReadOnlyList<LeftOutTable> LeftOut { get; }

    /// <param name="damaged">What a table with a file that cannot be loaded does to the open: fail it (the default), or
    /// be left out.</param>
    /// <param name="notRead">Tables of the directory's own analysis/ whose files are not read: those the caller is about
    /// to write again (a damaged one must not stop the analysis that replaces it). Names match file names exactly, as the
    /// writer names its file: analysis/Final.arrow is not what writing final.arrow replaces.</param>
    /// <exception cref="ArtifactException">The directory is missing or (<see cref="DamagedTables.Fail"/>) a file cannot be
    /// loaded; the message names the file and what to do.</exception>
    public static ArtifactCatalog Open(string directory, DamagedTables damaged = DamagedTables.Fail, IReadOnlyCollection<string>? notRead = null)
    {
        var dir = Path.GetFullPath(directory);
        DuckDbLibrary.Require(dir);
        return Relisted(() => Load(dir, Select(dir, damaged, notRead ?? []), damaged));
    }

    /// <summary>How many times an open lists the files again when one it listed is gone before it is read.</summary>
    const int Listings = 3;

    /// <summary>
    /// <paramref name="open"/>, listed again when a file it listed was gone by the time it read it. A sweep still training
    /// changes under a query: a run's ending merges its sealed parts into the complete table and removes them, a resume
    /// cuts a complete table into parts. Such a file is no damage, so it is not left out with advice to delete the run.
    /// </summary>
    static ArtifactCatalog Relisted(Func<ArtifactCatalog> open)
    {
        for (int listing = 1; ; listing++)
        {
            ArtifactCatalog catalog;
            try { catalog = open(); }
            catch (ArtifactException e) when (listing < Listings && Gone(e.FilePath)) { continue; }
            catch (IOException e) when (listing < Listings && e is FileNotFoundException or DirectoryNotFoundException) { continue; }   // gone while listed
            if (listing < Listings && catalog.LeftOut.Any(t => Gone(t.File)))
            {
                catalog.Dispose();
                continue;
            }
            return catalog;
        }
    }

    static bool Gone(string path) => !File.Exists(path) && !System.IO.Directory.Exists(path);

    /// <summary>Called with each listing before its files are read: where a test changes the files as a writer would.</summary>
    internal static readonly AsyncLocal<Action?> Listed = new();

    /// <summary>The files to load; with <see cref="DamagedTables.Fail"/>, a folder of sweeps' analysis table that cannot be
    /// read fails here.</summary>
    static ArtifactSelection Select(string dir, DamagedTables damaged, IReadOnlyCollection<string> notRead)
    {
        var skipped = notRead.ToHashSet(StringComparer.Ordinal);
        var files = ArtifactLayout.Discover(dir).Where(f => !(f.Run is null && f.Sweep is null && skipped.Contains(f.Table))).ToList();
        Listed.Value?.Invoke();
        var selection = SweepFolderAnalysis.Select(files);
        if (damaged == DamagedTables.Fail && selection.LeftOut.Count > 0) throw selection.LeftOut[0].Error();
        return selection;
    }

    /// <summary>The discovered files loaded into a new in-memory database, table by table.</summary>
    static ArtifactCatalog Load(string dir, ArtifactSelection selection, DamagedTables damaged)
    {
        var connection = new DuckDBConnection("DataSource=:memory:");
        try
        {
            connection.Open();
            var leftOut = new List<LeftOutTable>(selection.LeftOut);
            var tables = new List<CatalogTable>();
            foreach (var group in Grouped(selection.Files))
            {
                try
                {
                    tables.Add(TableOf(group, ArrowTableLoader.Load(connection, group.Key, [.. group])));
                }
                catch (ArtifactException e)
                {
                    var left = LeftOutTable.Of(group.Key, group, e);
                    if (damaged == DamagedTables.Fail) throw left.Error(e);
                    // The files appended before the bad one: never a partial table.
                    CatalogCache.Execute(connection, $"DROP TABLE IF EXISTS {SqlIdentifiers.Quote(group.Key)}");
                    leftOut.Add(left);
                }
            }
            return new ArtifactCatalog(dir, connection, tables, selection.Notes, leftOut);
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
    /// <param name="damaged">As for <see cref="Open"/>; a damaged table is also dropped from the cache, with its listing,
    /// so no earlier version of its files is read in its place and the next open tries it again.</param>
    public static ArtifactCatalog OpenCached(string directory, DamagedTables damaged = DamagedTables.Fail)
    {
        DuckDbLibrary.Require(Path.GetFullPath(directory));
        return Relisted(() => OpenCachedOnce(Path.GetFullPath(directory), damaged));
    }

    static ArtifactCatalog OpenCachedOnce(string dir, DamagedTables damaged)
    {
        var selection = Select(dir, damaged, []);
        bool sweep = ArtifactLayout.KindOf(dir) is ArtifactLayout.Kind.Sweep or ArtifactLayout.Kind.SweepFolder;
        if (!sweep || CatalogCache.Open(dir, selection.Files, damaged) is not { } cache) return Load(dir, selection, damaged);
        var connection = cache.Connection;
        // The holder's session runs in a transaction that closing discards: nothing it creates (a user's
        // CREATE, an analysis table) lands in the cache file.
        long transaction;
        try
        {
            CatalogCache.Execute(connection, "BEGIN TRANSACTION");
            transaction = TransactionId(connection);
        }
        catch { connection.Dispose(); throw; }
        var left = cache.LeftOut.Select(t => t.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
        // Rows not counted: the cache did not read every file.
        var tables = Grouped(selection.Files).Where(g => !left.Contains(g.Key)).Select(g => TableOf(g, -1)).ToList();
        return new ArtifactCatalog(dir, connection, tables, selection.Notes, [.. selection.LeftOut, .. cache.LeftOut], transaction);
    }

    /// <summary>The files grouped into tables (DuckDB identifiers are case-insensitive, so stems group the same way).</summary>
    static IEnumerable<IGrouping<string, ArtifactFile>> Grouped(IReadOnlyList<ArtifactFile> files) =>
        files.GroupBy(f => f.Table, StringComparer.OrdinalIgnoreCase);

    static CatalogTable TableOf(IGrouping<string, ArtifactFile> files, long rows) =>
        new(files.Key, [.. files.Select(f => f.Path)], rows, PerRun: files.Any(f => f.Run is not null));

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
