using Retention.Artifacts;

namespace Retention.Benchmarks;

/// <summary>Where `pipeline bench` keeps its figures: &lt;root&gt;/bench/&lt;name&gt;-&lt;UTC time&gt;.arrow, one file per invocation;
/// one recorded in the same second as another of that name (two benches started side by side) is &lt;name&gt;-&lt;UTC time&gt;-2.arrow,
/// -3, ..., never written over the other's (<see cref="RecordNames"/>). A query of the folder also joins the records of each
/// kind in a view of that name (synthetic, train, ...).</summary>
public static class BenchRecords
{
    /// <summary>The `timestamp` column of every bench table: UTC, ISO 8601, one format, so that figures recorded by
    /// different bench commands sort and compare in one query.</summary>
    public static string Timestamp() => DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture);

    /// <param name="now">The time the name carries (default: now, UTC).</param>
    /// <returns>The record's path.</returns>
    public static async Task<string> WriteAsync<T>(string artifactsRoot, string name, RecordBatchBuilder<T> table, IReadOnlyList<T> rows,
        DateTime? now = null)
    {
        var dir = Path.Combine(artifactsRoot, "bench");
        var stem = RecordNames.Stem(name, now ?? DateTime.UtcNow);
        // Written whole under a name of this process's own (hidden, not *.arrow: a query of the folder never reads it), then
        // moved to the first free name.
        var pending = Path.Combine(dir, $".{stem}-{Environment.ProcessId}-{Guid.NewGuid():N}.pending");
        // Named as the record, not as the hidden file a failure (a full disk) stopped at.
        try { await ArrowFiles.WriteTableAsync(pending, table, rows); }
        catch (IOException e) { throw new IOException($"cannot write {Path.Combine(dir, stem + ".arrow")}: {e.Message}", e); }
        try
        {
            return FreeName.Take(dir, stem, ".arrow", path => File.Move(pending, path, overwrite: true));
        }
        catch
        {
            File.Delete(pending);
            throw;
        }
    }
}
