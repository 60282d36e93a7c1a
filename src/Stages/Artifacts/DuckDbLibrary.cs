using DuckDB.NET.Data;

namespace Retention.Artifacts;

/// <summary>Whether DuckDB's native library is there: a GPU publish may leave libduckdb.so out to keep the upload small
/// (README "GPU servers"), and the analysis and queries then run where the full build is.</summary>
public static class DuckDbLibrary
{
    // Tried once per process: after a failed first load DuckDB.NET's connection-string parser is left half initialised,
    // and a second connection fails with a NullReferenceException rather than the DllNotFoundException of the first.
    static readonly Lazy<bool> available = new(() =>
    {
        try
        {
            using var connection = new DuckDBConnection("DataSource=:memory:");
            connection.Open();
            return true;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or TypeInitializationException) { return false; }
    });

    public static bool Available => available.Value;

    /// <exception cref="ArtifactException">DuckDB is not there: said of <paramref name="directory"/>, the artifacts
    /// that were to be read, rather than as DuckDB.NET's stack trace.</exception>
    public static void Require(string directory)
    {
        if (!Available)
            throw new ArtifactException(directory, "cannot be read here: this build has no DuckDB (libduckdb.so, left out of a small GPU " +
                "publish); analyze or query it where the full build is (README \"GPU servers\")");
    }
}
