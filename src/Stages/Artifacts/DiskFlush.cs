namespace Retention.Artifacts;

/// <summary>
/// Puts written files on the disk before a rename publishes them: a rename is atomic for a process killed at any moment,
/// but after an OS crash or power loss it may land before the data it names, leaving an empty or partial file where a
/// whole one was promised (the Arrow writers flush their files the same way).
/// </summary>
public static class DiskFlush
{
    public static void File(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite);
        stream.Flush(flushToDisk: true);
    }

    /// <summary>Every file under <paramref name="folder"/> (a checkpoint before it is promoted).</summary>
    public static void Folder(string folder)
    {
        foreach (var file in Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)) File(file);
    }
}
