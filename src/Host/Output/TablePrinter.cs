using Retention.Analysis;
using Spectre.Console;

namespace Retention.Host.Output;

/// <summary>
/// Prints a query result: a Spectre.Console table on an interactive terminal, aligned plain
/// text when output is redirected (logs and pipes should not get box-drawing characters or
/// wrapping decided by a terminal width they do not have). At most <c>maxRows</c> rows, then
/// "... N more rows"; a result without rows says so under its header.
/// </summary>
public static class TablePrinter
{
    public static void Print(QueryResult result, string? title = null, int maxRows = 20)
    {
        if (Console.IsOutputRedirected) WritePlain(result, Console.Out, title, maxRows);
        else WriteSpectre(result, AnsiConsole.Console, title, maxRows);
    }

    public static void WriteSpectre(QueryResult result, IAnsiConsole console, string? title = null, int maxRows = 20)
    {
        var table = new Table().Border(TableBorder.Rounded);
        if (title is not null) table.Title(Markup.Escape(title));
        foreach (var column in result.Columns)
        {
            // Text, not markup: a value such as "[x]" must print as is.
            var header = new TableColumn(new Text(column.Name));
            table.AddColumn(CellFormatter.IsNumeric(column.ClrType) ? header.RightAligned() : header);
        }
        foreach (var row in result.Rows.Take(maxRows))
            table.AddRow(row.Select((v, i) => new Text(CellFormatter.Format(v, result.Columns[i]))));
        console.Write(table);
        if (Footer(result, maxRows) is { } footer) console.WriteLine(footer);
    }

    public static void WritePlain(QueryResult result, TextWriter writer, string? title = null, int maxRows = 20)
    {
        var shown = result.Rows.Take(maxRows).Select(r => r.Select((v, i) => CellFormatter.Format(v, result.Columns[i])).ToArray()).ToList();
        var widths = result.Columns
            .Select((c, i) => shown.Select(r => r[i].Length).Append(c.Name.Length).Max())
            .ToArray();
        var numeric = result.Columns.Select(c => CellFormatter.IsNumeric(c.ClrType)).ToArray();

        string Line(IReadOnlyList<string> cells) => string.Join("  ",
            cells.Select((cell, i) => numeric[i] ? cell.PadLeft(widths[i]) : cell.PadRight(widths[i]))).TrimEnd();

        if (title is not null) writer.WriteLine(title);
        writer.WriteLine(Line(result.ColumnNames));
        writer.WriteLine(string.Join("  ", widths.Select(w => new string('-', w))));
        foreach (var cells in shown) writer.WriteLine(Line(cells));
        if (Footer(result, maxRows) is { } footer) writer.WriteLine(footer);
    }

    /// <summary>What follows the rows: how many were left out, or that there were none (a bare header read as a cut-off
    /// table); null when every row was printed.</summary>
    static string? Footer(QueryResult result, int maxRows) => (result.Rows.Count, result.Rows.Count - maxRows) switch
    {
        (0, _) => "(no rows)",
        (_, 1) => "... 1 more row",
        (_, > 1 and var left) => $"... {left} more rows",
        _ => null,
    };
}
