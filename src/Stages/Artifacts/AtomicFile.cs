namespace Retention.Artifacts;

/// <summary>Small text files (status.json, run.yaml) written under .tmp and renamed: a reader sees the old
/// file or the new one, never half of one; a failed write (a full disk) leaves no .tmp behind.</summary>
public static class AtomicFile
{
    public static Task WriteTextAsync(string path, string text) => ReplaceAsync(path, tmp => File.WriteAllTextAsync(tmp, text));

    public static Task WriteBytesAsync(string path, byte[] bytes) => ReplaceAsync(path, tmp => File.WriteAllBytesAsync(tmp, bytes));

    /// <summary>As <see cref="WriteTextAsync"/>, on the calling thread (the write completes before it returns).</summary>
    public static void WriteText(string path, string text) =>
        ReplaceAsync(path, tmp => { File.WriteAllText(tmp, text); return Task.CompletedTask; }).GetAwaiter().GetResult();

    /// <summary>As <see cref="WriteBytesAsync"/>, on the calling thread.</summary>
    public static void WriteBytes(string path, byte[] bytes) =>
        ReplaceAsync(path, tmp => { File.WriteAllBytes(tmp, bytes); return Task.CompletedTask; }).GetAwaiter().GetResult();

    /// <summary>
    /// Copies of several files put in place as one set (an advice's tables and plot): every copy is made whole under .tmp
    /// before the first is renamed, so a copy that fails (a full disk) leaves every path as it was, and no .tmp. Renamed one
    /// by one, a failure at the third left the first two new beside the earlier third.
    /// </summary>
    /// <exception cref="IOException">A copy failed; the message names the file it was for (File.Copy's own names none).</exception>
    public static void CopyAll(IReadOnlyList<(string Source, string Path)> files)
    {
        var made = new List<string>();
        try
        {
            foreach (var (source, path) in files)
            {
                Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
                var tmp = path + ".tmp";
                made.Add(tmp);
                try
                {
                    File.Copy(source, tmp, overwrite: true);
                    DiskFlush.File(tmp);
                }
                catch (IOException e) { throw new IOException($"cannot write {path}: {e.Message}", e); }
            }
            foreach (var (_, path) in files) File.Move(path + ".tmp", path, overwrite: true);
        }
        catch
        {
            foreach (var tmp in made) File.Delete(tmp);   // those renamed already are gone from .tmp: nothing to delete
            throw;
        }
    }

    static async Task ReplaceAsync(string path, Func<string, Task> write)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var tmp = path + ".tmp";
        try
        {
            await write(tmp);
            DiskFlush.File(tmp);
            File.Move(tmp, path, overwrite: true);
        }
        catch
        {
            File.Delete(tmp);   // a failed rename too (a folder in the way, no permission): no .tmp left behind
            throw;
        }
    }
}
