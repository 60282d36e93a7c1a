using Apache.Arrow;
using Apache.Arrow.Ipc;

namespace Retention.Artifacts;

/// <summary>
/// An Arrow IPC file's schema, read from its footer without its rows: the cheap check of whether a table file is whole
/// (a truncated copy or a foreign file fails here). Callers word what a failure means where they stand.
/// </summary>
public static class ArrowFooter
{
    /// <summary>The schema of <paramref name="path"/>, or null with <paramref name="problem"/> saying why it cannot be read
    /// (missing, truncated, not Arrow).</summary>
    public static Schema? TryReadSchema(string path, out Exception? problem)
    {
        try
        {
            using var reader = new ArrowFileReader(File.OpenRead(path));
            problem = null;
            return reader.Schema;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            problem = e;
            return null;
        }
    }
}
