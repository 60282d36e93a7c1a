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
        var output = new Option<string?>("--output") { Description = "Also write the result as an Arrow IPC file." };
        var cmd = new Command("query", "Run SQL (DuckDB) over Arrow artifacts; `pipeline query DIR \"SHOW TABLES\"` lists them.")
        {
            dir, sql, rows, output,
        };
        cmd.SetAction(async (r, ct) =>
        {
            try
            {
                using var catalog = ArtifactCatalog.Open(r.GetValue(dir)!);
                var result = SqlRunner.Query(catalog.Connection, r.GetValue(sql)!, "query");
                TablePrinter.Print(result, null, r.GetValue(rows));
                if (r.GetValue(output) is { } path) await result.WriteArrowAsync(path);
                return 0;
            }
            catch (Exception e) when (Errors.IsUserFacing(e))
            {
                return Errors.Report(e);
            }
        });
        return cmd;
    }
}
