using DuckDB.NET.Data;

namespace Retention.Artifacts;

/// <summary>
/// Records named by the second they were made in (<see cref="RecordNames"/>: `bench`'s, one file and so one table per
/// invocation) queried together: one view per kind (synthetic, train, ...) holding every record of that kind, unioned by
/// column name (a record older than a column has NULL there), with a first column <c>record</c> naming each row's record.
/// The records' folder is read as one run's directory (<see cref="ArtifactLayout.Kind.Run"/>), so each table, and each view
/// after <c>record</c>, also has the leading <c>run</c> column, the folder's name (<c>bench</c>); the files have none.
/// Comparing figures across days needed a UNION by hand over tables named like "synthetic-20261203-071827".
/// </summary>
internal static class RecordViews
{
    public const string RecordColumn = "record";

    /// <summary>Creates the views over <paramref name="tables"/> (loaded, in load order) on <paramref name="connection"/>.</summary>
    /// <param name="notes">Told of a kind left without a view, and why.</param>
    public static IReadOnlyList<CatalogView> Create(DuckDBConnection connection, IReadOnlyList<CatalogTable> tables, Action<string> notes)
    {
        var views = new List<CatalogView>();
        // Identifiers are case-insensitive in DuckDB: Train-... and train-... are one kind, as their tables would be one name.
        var kinds = tables.Select(t => (Table: t.Name, Kind: RecordNames.KindOf(t.Name))).Where(t => t.Kind is not null)
            .GroupBy(t => t.Kind!, StringComparer.OrdinalIgnoreCase);
        foreach (var kind in kinds)
        {
            // A record's name ends in its time, which a kind's name lacks: only a file of another kind (a query's --output
            // saved as train.arrow beside the records) can hold the name, and that table keeps it.
            if (tables.FirstOrDefault(t => t.Name.Equals(kind.Key, StringComparison.OrdinalIgnoreCase)) is { } taken)
            {
                notes($"{NoView(kind.Key, kind.Count())}: table '{taken.Name}' " +
                      $"({taken.Files[0]}) has that name; query each record's own table");
                continue;
            }
            var members = kind.Select(t => t.Table).Order(StringComparer.Ordinal).ToList();   // by time: the names end in it
            var union = string.Join("\nUNION ALL BY NAME\n", members.Select(m =>
                $"SELECT {SqlIdentifiers.Literal(m)} AS {RecordColumn}, * FROM {SqlIdentifiers.Quote(m)}"));
            try
            {
                CatalogCache.Execute(connection, $"CREATE VIEW {SqlIdentifiers.Quote(kind.Key)} AS\n{union}");
                views.Add(new CatalogView(kind.Key, members));
            }
            catch (DuckDBException e)
            {
                // A column whose types do not combine across records: each record's table still answers on its own.
                notes($"{NoView(kind.Key, members.Count)}: {e.Message.Trim()}; " +
                      "query each record's own table");
            }
        }
        return views;
    }

    /// <summary>"the 2 records of kind 'parity' have no view 'parity' joining them", "the 1 record ... has ... joining it".</summary>
    static string NoView(string kind, int records) =>
        $"the {Messages.Counted.Of(records, "record")} of kind '{kind}' {(records == 1 ? "has" : "have")} no view '{kind}' joining {(records == 1 ? "it" : "them")}";
}
