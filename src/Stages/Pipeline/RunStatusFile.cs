using System.Text.Json;
using Retention.Artifacts;

namespace Retention.Pipeline;

/// <summary>A run's status.json: how its training ended (also when it failed), written when it ends and removed when it
/// starts again, so a run without one has not ended.</summary>
public static class RunStatusFile
{
    public const string Name = "status.json";

    /// <summary>The status.json a run's training wrote when it ended, or null while it has not.</summary>
    /// <exception cref="ArtifactException">The file is there but not a status (damaged outside this program, which writes it atomically).</exception>
    public static RunStatus? Read(string runDir) => ReadWritten(runDir).Status;

    /// <summary><see cref="Read"/> with when the file read was written (the file system's clock; MinValue where there is
    /// none), both from one open of it, so the time is the content's even while the file is replaced.</summary>
    public static (RunStatus? Status, DateTime WrittenUtc) ReadWritten(string runDir)
    {
        var path = Path.Combine(runDir, Name);
        if (!File.Exists(path)) return (null, DateTime.MinValue);
        try
        {
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            var written = File.GetLastWriteTimeUtc(file.SafeFileHandle);
            var text = new StreamReader(file).ReadToEnd();
            return (JsonSerializer.Deserialize<RunStatus>(text, RecordJson.Options) ?? throw new JsonException("empty"), written);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException) { return (null, DateTime.MinValue); }   // removed since (a run starting again, set aside)
        catch (JsonException e)
        {
            throw new ArtifactException(path, $"not a readable run status ({e.Message}); delete it and the run counts as " +
                "unfinished (`run --resume` trains it again, from its checkpoint where it has one)", e);
        }
    }

    /// <summary><see cref="Read"/> remembering what it read, by run folder: for a command that judges each run's end in
    /// several places (what counts as done, whose tables to check, how runs group), so every judgement sees one read of the
    /// file, read once. A file that cannot be read is not remembered: each asker is refused as before.</summary>
    public static Func<string, RunStatus?> ReadOnce()
    {
        var read = new Dictionary<string, RunStatus?>(StringComparer.Ordinal);
        return runDir =>
        {
            if (!read.TryGetValue(runDir, out var status)) read[runDir] = status = Read(runDir);
            return status;
        };
    }

    public static Task WriteAsync(string runDir, RunStatus status) =>
        AtomicFile.WriteTextAsync(Path.Combine(runDir, Name), JsonSerializer.Serialize(status, RecordJson.Options));

    /// <summary>Removes an earlier attempt's end: the attempt starting now writes its own.</summary>
    public static void Remove(string runDir) => File.Delete(Path.Combine(runDir, Name));
}
