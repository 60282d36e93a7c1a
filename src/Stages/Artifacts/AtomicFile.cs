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

    /// <summary>Copies of several files put in place as one set (an advice's tables and plot), as <see cref="ReplaceAllAsync"/> does.</summary>
    public static void CopyAll(IReadOnlyList<(string Source, string Path)> files) =>
        ReplaceAllAsync([.. files.Select(f => (f.Path, (Func<string, Task>)(tmp => { File.Copy(f.Source, tmp, overwrite: true); return Task.CompletedTask; })))])
            .GetAwaiter().GetResult();

    /// <summary>
    /// Several files put in place as one set (an advice's tables and plot, a scan's tables): each is written whole under .tmp,
    /// by <c>Write</c> given that path, before the first is renamed, so a write that fails (a full disk) leaves every path as
    /// it was, and no .tmp. Renamed one by one, a failure at the second left the first new beside the earlier second.
    /// </summary>
    /// <exception cref="IOException">A write failed; the message names the file it was for (File.Copy's own names none).</exception>
    public static async Task ReplaceAllAsync(IReadOnlyList<(string Path, Func<string, Task> Write)> files)
    {
        var made = new List<string>();
        try
        {
            foreach (var (path, write) in files)
            {
                Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
                var tmp = path + ".tmp";
                made.Add(tmp);
                try
                {
                    await write(tmp).ConfigureAwait(false);
                    DiskFlush.File(tmp);
                }
                catch (IOException e) { throw new IOException($"cannot write {path}: {e.Message}", e); }
            }
            foreach (var (path, _) in files) File.Move(path + ".tmp", path, overwrite: true);
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
