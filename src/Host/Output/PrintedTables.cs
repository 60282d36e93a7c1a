using Retention.Analysis;

namespace Retention.Host.Output;

/// <summary>The analysis tables whose spec says <c>print: true</c>, printed after `run` or `analyze`: all of them after a
/// success, and those written before a failing step after a failure (its error says they were written).</summary>
public static class PrintedTables
{
    public static void Print(IEnumerable<AnalysisTableResult> tables)
    {
        foreach (var table in tables.Where(t => t.Print))
            TablePrinter.Print(table.Result, table.Name, maxRows: 20);
    }

    /// <summary>The tables written before <paramref name="e"/>, when it is an analysis failure; nothing otherwise.</summary>
    public static void WrittenBefore(Exception e)
    {
        if (e is AnalysisException failed) Print(failed.Written);
    }
}
