namespace Retention.Tests.Host;

/// <summary>What `pipeline query` prints for BLOB, STRUCT and MAP values: the value, as DuckDB writes it (its CSV, its
/// shell), not the name of a .NET type or a struct shown as a list of pairs.</summary>
public class QueryPrintedValuesTests() : InTempFolder("query-printed-")
{
    static readonly TimeSpan Limit = TimeSpan.FromMinutes(2);

    [Fact]
    public void Blobs_print_their_bytes_and_structs_and_maps_print_as_key_value_pairs()
    {
        const string sql = @"SELECT 'abc'::BLOB AS b, '\xAA\x00z'::BLOB AS c, NULL::BLOB AS n, {'a': 1, 'b': 'x'} AS s, MAP {'k': 2} AS m, [{'a': 1}] AS l";
        var (exit, output, err) = CliProcess.Run(dir, Limit, "query", dir, sql);
        Assert.True(exit == 0, err);
        Assert.DoesNotContain("System.", output);
        var row = output.Split('\n')[2];
        Assert.Equal(@"abc  \xAA\x00z  NULL  {'a': 1, 'b': x}  {'k': 2}  [{'a': 1}]", row);

        // A TIME keeps its seconds and their fraction, as DuckDB prints it.
        var time = CliProcess.Run(dir, Limit, "query", dir, "SELECT '12:34:56.789'::TIME AS t, '07:08:09'::TIME AS u");
        Assert.True(time.Exit == 0, time.Err);
        Assert.Equal("12:34:56.789  07:08:09", time.Out.Split('\n')[2]);

        // TIMESTAMP and INTERVAL values print as DuckDB's own CSV writer spells them: the fraction of a second kept, an
        // interval in days and time.
        // A TIMESTAMPTZ prints in UTC with its offset, as DuckDB writes it with its time zone set to UTC.
        const string times = "SET TimeZone = 'UTC'; SELECT '2024-01-02 03:04:05.123'::TIMESTAMP AS a, '2024-01-02 03:04:05'::TIMESTAMP AS b, INTERVAL 1 DAY AS c, " +
                             "INTERVAL '3 days 02:03:04.5' AS d, INTERVAL 90 SECOND AS e, -INTERVAL '1 day 2 hours' AS f, INTERVAL 0 SECOND AS g, " +
                             "TIMESTAMPTZ '2024-01-02 03:04:05.5+02' AS h";
        var printed = CliProcess.Run(dir, Limit, "query", dir, times);
        Assert.True(printed.Exit == 0, printed.Err);
        var written = CliProcess.Run(dir, Limit, "query", dir, times, "--output", "t.csv");
        Assert.True(written.Exit == 0, written.Err);
        var duckdb = File.ReadAllLines(Path.Combine(dir, "t.csv"))[1].Split(',');
        Assert.Equal("2024-01-02 03:04:05.123", duckdb[0]);   // what DuckDB writes, read by eye
        var lines = printed.Out.Split('\n');
        var timesRow = lines[Array.FindIndex(lines, l => l.StartsWith("---", StringComparison.Ordinal)) + 1];   // the row under the header's rule
        Assert.Equal(string.Join("  ", duckdb), timesRow.TrimEnd());

        // The same bytes as DuckDB's own CSV writer spells them.
        var csv = CliProcess.Run(dir, Limit, "query", dir, "SELECT 'abc'::BLOB AS b, '\\xAA\\x00z'::BLOB AS c", "--output", "b.csv");
        Assert.True(csv.Exit == 0, csv.Err);
        Assert.Equal(["b,c", @"abc,\xAA\x00z"], File.ReadAllLines(Path.Combine(dir, "b.csv")));
    }

    [Fact]
    public void Doubles_and_floats_print_every_digit_as_the_csv_holds_them()
    {
        const string sql = "SELECT 123456789.123::DOUBLE AS big, 1e-7::DOUBLE AS small, 1.0::DOUBLE AS one, 1e15::DOUBLE AS e15, 1.5e16::DOUBLE AS e16, "
                           + "0.0001::DOUBLE AS tenk, 2.3025850929940455::DOUBLE AS ln10, -0.0::DOUBLE AS negzero, 'nan'::DOUBLE AS nan, "
                           + "'-inf'::DOUBLE AS ninf, 0.1::FLOAT AS f, 16777216::FLOAT AS fbig, 5e-324::DOUBLE AS tiny";
        var (exit, output, err) = CliProcess.Run(dir, Limit, "query", dir, sql, "--output", "fmt.csv");
        Assert.True(exit == 0, err);
        string[] expected = ["123456789.123", "1e-07", "1.0", "1000000000000000.0", "1.5e+16", "0.0001", "2.3025850929940455", "-0.0",
            "nan", "-inf", "0.1", "16777216.0", "5e-324"];
        Assert.Equal(expected, File.ReadAllLines(Path.Combine(dir, "fmt.csv"))[1].Split(','));   // what DuckDB writes, read by eye
        var row = output.Split('\n')[2];
        Assert.Equal(expected, row.Split(' ', StringSplitOptions.RemoveEmptyEntries));
    }
}
