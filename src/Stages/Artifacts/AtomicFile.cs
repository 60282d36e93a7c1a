namespace Retention.Artifacts;

/// <summary>Small text files (status.json, run.yaml) written under .tmp and renamed: a reader sees the old
/// file or the new one, never half of one; a failed write (a full disk) leaves no .tmp behind.</summary>
public static class AtomicFile
{
    public static async Task WriteTextAsync(string path, string text)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var tmp = path + ".tmp";
        try
        {
            await File.WriteAllTextAsync(tmp, text);
        }
        catch
        {
            File.Delete(tmp);
            throw;
        }
        File.Move(tmp, path, overwrite: true);
    }

    public static void WriteText(string path, string text)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var tmp = path + ".tmp";
        try
        {
            File.WriteAllText(tmp, text);
        }
        catch
        {
            File.Delete(tmp);
            throw;
        }
        File.Move(tmp, path, overwrite: true);
    }
}
