using Retention.Analysis;
using Retention.Host.Output;
using Spectre.Console;

namespace Retention.Tests.Analysis;

public class TablePrinterTests
{
    private static QueryResult Result(int rows) => new(
        [new QueryColumn("run", "Varchar", typeof(string)), new QueryColumn("loss", "Double", typeof(double))],
        [.. Enumerable.Range(0, rows).Select(i => (IReadOnlyList<object?>)[i == 1 ? null : $"w{i}", i * 10.5])]);

    [Fact]
    public void Plain_text_aligns_columns_right_aligns_numbers_and_counts_the_rest()
    {
        var writer = new StringWriter { NewLine = "\n" };

        TablePrinter.WritePlain(Result(25), writer, title: "final_loss", maxRows: 3);

        Assert.Equal("""
            final_loss
            run   loss
            ----  ----
            w0     0.0
            NULL  10.5
            w2    21.0
            ... 22 more rows

            """.ReplaceLineEndings("\n"), writer.ToString());
    }

    [Fact]
    public void Spectre_table_prints_values_literally_not_as_markup()
    {
        var output = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors, Out = new AnsiConsoleOutput(output),
        });
        var result = new QueryResult([new QueryColumn("name", "Varchar", typeof(string))], [["[bold]x[/]"], ["y"]]);

        TablePrinter.WriteSpectre(result, console, maxRows: 1);

        Assert.Contains("[bold]x[/]", output.ToString());
        Assert.DoesNotContain("│ y", output.ToString());
        Assert.Contains("... 1 more row\n", output.ToString().ReplaceLineEndings("\n"));
    }

    [Theory]
    [InlineData(0, 5, "(no rows)")]
    [InlineData(3, 0, "... 3 more rows")]
    [InlineData(3, 2, "... 1 more row")]
    [InlineData(3, 3, null)]
    public void After_the_rows_it_says_how_many_were_left_out_or_that_there_were_none(int rows, int maxRows, string? footer)
    {
        var writer = new StringWriter { NewLine = "\n" };
        TablePrinter.WritePlain(Result(rows), writer, maxRows: maxRows);
        var lines = writer.ToString().TrimEnd('\n').Split('\n');
        Assert.Equal(2 + Math.Min(rows, maxRows) + (footer is null ? 0 : 1), lines.Length);   // header, rule, rows, footer
        if (footer is not null) Assert.Equal(footer, lines[^1]);
    }
}
