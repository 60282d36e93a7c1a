using Retention.Artifacts;

namespace Retention.Benchmarks;

/// <summary>Where `pipeline bench` keeps its figures: &lt;root&gt;/bench/&lt;name&gt;-&lt;UTC time&gt;.arrow, one file per invocation;
/// one recorded in the same second as another of that name (two benches started side by side) is &lt;name&gt;-&lt;UTC time&gt;-2.arrow,
/// -3, ..., never written over the other's.</summary>
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
        var stem = $"{name}-{now ?? DateTime.UtcNow:yyyyMMdd-HHmmss}";
        // Written whole under a name of this process's own (hidden, not *.arrow: a query of the folder never reads it), then
        // moved to the first free name, claimed first by creating a hidden claim file (O_EXCL: one writer wins it). A move
        // without overwrite alone did not keep writers apart: with 8 at once two took one name, one record replacing the other
        // (a fresh-clone CI run), as where the move checks that the name is free and then renames.
        var pending = Path.Combine(dir, $".{stem}-{Environment.ProcessId}-{Guid.NewGuid():N}.pending");
        await ArrowFiles.WriteTableAsync(pending, table, rows);
        try
        {
            for (int n = 1; ; n++)
            {
                var path = Path.Combine(dir, n == 1 ? $"{stem}.arrow" : $"{stem}-{n}.arrow");
                if (File.Exists(path)) continue;
                var claim = Path.Combine(dir, $".{Path.GetFileName(path)}.claim");
                try { new FileStream(claim, FileMode.CreateNew, FileAccess.Write).Dispose(); }
                // Another writer is taking this name (its claim is deleted only once the name is taken, so one of them is there).
                catch (IOException) when (File.Exists(claim) || File.Exists(path)) { continue; }
                try
                {
                    if (File.Exists(path)) continue;   // taken by one that finished before the claim
                    File.Move(pending, path, overwrite: true);
                    return path;
                }
                finally { File.Delete(claim); }
            }
        }
        catch
        {
            File.Delete(pending);
            throw;
        }
    }
}
