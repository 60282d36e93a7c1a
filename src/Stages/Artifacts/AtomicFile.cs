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

    /// <summary>A copy of <paramref name="source"/> at <paramref name="path"/>, put in place whole.</summary>
    public static void Copy(string source, string path) =>
        ReplaceAsync(path, tmp => { File.Copy(source, tmp, overwrite: true); return Task.CompletedTask; }).GetAwaiter().GetResult();

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
