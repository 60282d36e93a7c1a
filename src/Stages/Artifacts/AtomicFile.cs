namespace Retention.Artifacts;

/// <summary>Small text files written beside their final name and renamed into place.</summary>
public static class AtomicFile
{
    public static async Task WriteTextAsync(string path, string text)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var tmp = path + ".tmp";
        await File.WriteAllTextAsync(tmp, text);
        File.Move(tmp, path, overwrite: true);
    }
}
