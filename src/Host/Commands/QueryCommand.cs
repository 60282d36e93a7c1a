using System.CommandLine;
using Retention.Analysis;
using Retention.Artifacts;
using Retention.Host.Output;

namespace Retention.Host.Commands;

/// <summary>`pipeline query DIR SQL`: ad-hoc SQL over a run's or a sweep's Arrow artifacts.</summary>
public static class QueryCommand
{
    public static Command Build()
    {
        var dir = new Argument<string>("dir") { Description = "A sweep directory (artifacts/NAME) or one run directory." };
        var sql = new Argument<string>("sql") { Description = "SQL over the tables: metrics, train, theory, utilities, params, and analysis outputs." };
        var rows = new Option<int>("--rows", "-n") { Description = "Rows to print.", DefaultValueFactory = _ => 50 };
        var output = new Option<string?>("--output") { Description = "Also write the whole result to a file, in the format its extension names: .csv, .parquet, or .arrow (Arrow IPC; also .feather, .ipc)." };
        var cmd = new Command("query", "Run SQL (DuckDB) over Arrow artifacts; `pipeline query DIR \"SHOW TABLES\"` lists them.")
        {
            dir, sql, rows, output,
        };
        cmd.SetAction(async (r, ct) =>
        {
            try
            {
                var text = r.GetValue(sql)!;
                if (string.IsNullOrWhiteSpace(text)) throw new UsageException("the SQL is empty; try \"SHOW TABLES\"");
                var format = r.GetValue(output) is { } path ? QueryOutput.FormatOf(path) : null;
                using var catalog = ArtifactCatalog.OpenCached(r.GetValue(dir)!);   // a CREATE in the query never lands in the cache
                var result = SqlRunner.Query(catalog.Connection, text, "query");
                TablePrinter.Print(result, null, r.GetValue(rows));
                if (format is not null) await QueryOutput.WriteAsync(catalog, text, result, r.GetValue(output)!, format, ct);
                return ExitCodes.Ok;
            }
            catch (Exception e) when (Errors.IsUserFacing(e))
            {
                return Errors.Report(e, inputErrors: true);
            }
        });
        return cmd;
    }
}

/// <summary>A query's result written in the format its file extension names; written under .tmp and
/// renamed, like every artifact. CSV and Parquet are DuckDB's own writers (COPY).</summary>
static class QueryOutput
{
    public static string FormatOf(string path) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".csv" => "csv",
        ".parquet" => "parquet",
        ".arrow" or ".feather" or ".ipc" => "arrow",
        var other => throw new UsageException(
            $"--output '{path}': unknown extension '{other}'; use .csv, .parquet or .arrow (.feather, .ipc)"),
    };

    public static async Task WriteAsync(ArtifactCatalog catalog, string sql, QueryResult result, string path, string format, CancellationToken ct)
    {
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        if (format == "arrow")
        {
            await result.WriteArrowAsync(full, ct);
            return;
        }
        var tmp = full + ".tmp";
        var options = format == "csv" ? "FORMAT csv, HEADER" : "FORMAT parquet";
        SqlRunner.Execute(catalog.Connection,
            $"COPY ({sql.Trim().TrimEnd(';')}) TO '{tmp.Replace("'", "''")}' ({options})", $"--output {path}");
        File.Move(tmp, full, overwrite: true);
    }
}
