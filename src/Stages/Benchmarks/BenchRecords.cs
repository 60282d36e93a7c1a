using Retention.Artifacts;

namespace Retention.Benchmarks;

/// <summary>Where `pipeline bench` keeps its figures: &lt;root&gt;/bench/&lt;name&gt;-&lt;UTC time&gt;.arrow, one file per invocation.</summary>
public static class BenchRecords
{
    public static async Task<string> WriteAsync<T>(string artifactsRoot, string name, RecordBatchBuilder<T> table, IReadOnlyList<T> rows)
    {
        var path = Path.Combine(artifactsRoot, "bench", $"{name}-{DateTime.UtcNow:yyyyMMdd-HHmmss}.arrow");
        await ArrowFiles.WriteTableAsync(path, table, rows);
        return path;
    }
}
