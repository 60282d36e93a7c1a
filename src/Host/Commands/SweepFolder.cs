namespace Retention.Host.Commands;

/// <summary>Where `run` and `submit` write a sweep, checked before anything trains: a file in the way of its folder (or of one
/// above it) failed only when the folder was made, as a bare .NET message and exit 1.</summary>
public static class SweepFolder
{
    /// <summary>Why the sweep cannot be written at <paramref name="sweepDir"/> (under --artifacts <paramref name="artifacts"/>);
    /// null when its folder, or the nearest one above it that exists, is a folder.</summary>
    public static string? Problem(string sweepDir, string artifacts) => FileInTheWay(sweepDir, artifacts, "the sweep's");

    /// <summary>Why <paramref name="folder"/>, <paramref name="whose"/> folder under --artifacts <paramref name="artifacts"/>, cannot be
    /// made: a file where it, or a folder above it, goes; null when it, or the nearest one above it that exists, is a folder.</summary>
    public static string? FileInTheWay(string folder, string artifacts, string whose)
    {
        var full = Path.GetFullPath(folder);
        for (var d = full; d is not null; d = Path.GetDirectoryName(d))
        {
            if (Directory.Exists(d)) return null;
            if (File.Exists(d))
                return $"--artifacts {artifacts}: '{d}' is a file where " + (d == full ? $"{whose} folder goes" : $"a folder on {whose} path ({full}) goes") +
                       ": give another --artifacts, or move the file";
        }
        return null;
    }
}
