namespace Retention.Artifacts;

/// <summary>The output folder a command made for itself, removed when it failed or stopped before writing anything there
/// (a probe's scan folder, an advice's new --output): an empty folder would read as an output that holds nothing.</summary>
public static class EmptyFolder
{
    public static void RemoveIfEmpty(string? folder)
    {
        try
        {
            if (folder is not null && Directory.Exists(folder) && !Directory.EnumerateFileSystemEntries(folder).Any()) Directory.Delete(folder);
        }
        catch (IOException) { }   // something arrived in it meanwhile: it stays
    }
}
