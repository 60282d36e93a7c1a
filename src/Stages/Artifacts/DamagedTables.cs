namespace Retention.Artifacts;

/// <summary>
/// What opening a catalog does with a table one of whose files cannot be loaded (truncated, corrupt, an unsupported
/// Arrow type, a column whose type conflicts with another run's). Never a partial table: a mean over silently missing
/// runs would be wrong.
/// </summary>
public enum DamagedTables
{
    /// <summary>The open fails, naming the file and what to do: for analysis, whose results must cover every run.</summary>
    Fail,

    /// <summary>The table is left out whole, said in a note (<see cref="LeftOutTable"/>), and the others load: for
    /// interactive queries, where one bad file must not hide the sweep's undamaged tables.</summary>
    LeaveOut,
}
