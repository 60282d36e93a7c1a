namespace Retention.Analysis;

/// <summary>A result column: its name, DuckDB type name (e.g. "BigInt", "Varchar") and the .NET type of its values.</summary>
public sealed record QueryColumn(string Name, string DuckDbType, Type ClrType)
{
    /// <summary>A TIMESTAMPTZ: DuckDB.NET gives its values as UTC DateTimes (a TIMESTAMP's are wall-clock).</summary>
    public bool IsTimestampTz => DuckDbType.Equals("TimestampTz", StringComparison.OrdinalIgnoreCase);
}

/// <summary>
/// The materialised result of one SQL query. Analysis results are small (aggregates over runs),
/// so holding them in memory keeps plotting and printing simple. Values are the .NET objects
/// DuckDB.NET returns (long, double, string, decimal, BigInteger for HUGEINT, DateOnly, ...),
/// NULL as null. Rows are read-only views; nothing here changes after the query.
/// </summary>
public sealed record QueryResult(IReadOnlyList<QueryColumn> Columns, IReadOnlyList<IReadOnlyList<object?>> Rows)
{
    public IReadOnlyList<string> ColumnNames => [.. Columns.Select(c => c.Name)];

    /// <summary>The index of a column; case-insensitive like DuckDB identifiers.</summary>
    /// <exception cref="KeyNotFoundException">No such column; the message lists the columns there are.</exception>
    public int ColumnIndex(string name)
    {
        for (var i = 0; i < Columns.Count; i++)
            if (string.Equals(Columns[i].Name, name, StringComparison.OrdinalIgnoreCase)) return i;
        throw new KeyNotFoundException(
            $"the query has no column '{name}' (columns: {string.Join(", ", ColumnNames)})");
    }

    /// <summary>The values of one column, in row order.</summary>
    public IReadOnlyList<object?> Column(string name)
    {
        var index = ColumnIndex(name);
        return [.. Rows.Select(r => r[index])];
    }
}
