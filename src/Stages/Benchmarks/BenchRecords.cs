using Retention.Artifacts;

namespace Retention.Benchmarks;

/// <summary>Where `pipeline bench` keeps its figures: &lt;root&gt;/bench/&lt;name&gt;-&lt;UTC time&gt;.arrow, one file per invocation.</summary>
public static class BenchRecords
{
    /// <summary>The `timestamp` column of every bench table: UTC, ISO 8601, one format, so that figures recorded by
    /// different bench commands sort and compare in one query.</summary>
    public static string Timestamp() => DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture);

    public static async Task<string> WriteAsync<T>(string artifactsRoot, string name, RecordBatchBuilder<T> table, IReadOnlyList<T> rows)
    {
        var path = Path.Combine(artifactsRoot, "bench", $"{name}-{DateTime.UtcNow:yyyyMMdd-HHmmss}.arrow");
        await ArrowFiles.WriteTableAsync(path, table, rows);
        return path;
    }
}
